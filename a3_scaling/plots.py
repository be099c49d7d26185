"""Plots of the analysis and the sweep (matplotlib, Agg backend, PNG files under an output folder). Finished code."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_isoflops(table: dict, minima: dict[str, dict], path: Path, title: str, x_label: str = "parameters N") -> Path:
    """Loss against N per budget (one colour each), each parabola in ln N, and each method's minima."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    budgets = np.unique(table["compute"])
    colours = plt.cm.viridis(np.linspace(0, 0.9, budgets.size))
    for c, col in zip(budgets, colours, strict=True):
        sel = table["compute"] == c
        n, y = table["params"][sel], table["loss"][sel]
        ax.scatter(n, y, color=col, s=14, label=f"C = {c:.1e}")
        if np.unique(n).size >= 3:
            coef = np.polyfit(np.log(n), y, 2)
            xs = np.geomspace(n.min(), n.max(), 100)
            ax.plot(xs, np.polyval(coef, np.log(xs)), color=col, lw=1)
    markers = {"parabola": ("*", "k"), "best_run": ("x", "r")}
    for name, m in minima.items():
        mk, col = markers.get(name, ("o", "b"))
        ax.scatter(m["n_opt"], m["loss_opt"], marker=mk, color=col, s=60, zorder=5, label=f"minimum ({name})")
    ax.set_xscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel("final loss")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_scaling(minima: dict[str, dict], fits: dict[str, dict], path: Path, title: str,
                 extra: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Path:
    """N_opt and D_opt against C (log-log): each method's minima and fitted power law, extended to the largest
    budget in `extra` lines ({label: (budgets, n_opt)})."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    styles = {"parabola": ("k", "*"), "best_run": ("r", "x")}
    c_max = max(float(np.max(m["compute"])) for m in minima.values())
    if extra:
        c_max = max(c_max, max(float(np.max(b)) for b, _ in extra.values()))
    for name, m in minima.items():
        col, mk = styles.get(name, ("b", "o"))
        fit = fits[name]
        c = np.asarray(m["compute"])
        cs = np.geomspace(c.min(), c_max, 50)
        axes[0].scatter(c, m["n_opt"], color=col, marker=mk)
        axes[0].plot(cs, fit["n_coef"] * cs ** fit["n_exp"], color=col, lw=1,
                     label=f"{name}: N ∝ C^{fit['n_exp']:.3f}")
        axes[1].scatter(c, c / (6 * np.asarray(m["n_opt"])), color=col, marker=mk)
        axes[1].plot(cs, fit["d_coef"] * cs ** fit["d_exp"], color=col, lw=1,
                     label=f"{name}: D ∝ C^{fit['d_exp']:.3f}")
    for label, (b, n) in (extra or {}).items():
        axes[0].plot(b, n, "b--", lw=1, label=label)
        axes[1].plot(b, np.asarray(b) / (6 * np.asarray(n)), "b--", lw=1, label=label)
    for ax, name in zip(axes, ("N_opt (parameters)", "D_opt (tokens)"), strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("compute C (FLOPs)")
        ax.set_ylabel(name)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
