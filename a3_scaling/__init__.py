"""a3 Scaling laws: IsoFLOPs, parametric fits, a training-API simulator (planned: issue P4)."""
