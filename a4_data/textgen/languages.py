"""Short everyday sentences in twelve languages, written for this project, for language-ID tests and benchmarks.

Each language has ten sentences; a labelled example is one to three of them joined in random order. lid.176
names languages by ISO 639-1 codes (`en`, `de`, ...), and so do we.
"""

from __future__ import annotations

import numpy as np

SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "The weather was cold this morning, so we stayed at home and read books.",
        "My brother works at the hospital and comes home late every evening.",
        "Could you tell me where the nearest train station is, please?",
        "We planted tomatoes and beans in the garden behind our house.",
        "The children walked to school together because the bus was late.",
        "She bought fresh bread and cheese at the market on Saturday.",
        "After dinner we usually take a short walk along the river.",
        "The library closes early on Sundays, so plan your visit carefully.",
        "I have never seen so many stars in the sky as last night.",
        "Our neighbours are painting their kitchen a bright shade of yellow.",
    ),
    "de": (
        "Das Wetter war heute Morgen kalt, deshalb sind wir zu Hause geblieben.",
        "Mein Bruder arbeitet im Krankenhaus und kommt jeden Abend spät nach Hause.",
        "Können Sie mir bitte sagen, wo der nächste Bahnhof ist?",
        "Wir haben Tomaten und Bohnen im Garten hinter unserem Haus gepflanzt.",
        "Die Kinder sind zusammen zur Schule gegangen, weil der Bus Verspätung hatte.",
        "Sie hat am Samstag frisches Brot und Käse auf dem Markt gekauft.",
        "Nach dem Abendessen machen wir meistens einen kurzen Spaziergang am Fluss.",
        "Die Bibliothek schließt sonntags früh, also plane deinen Besuch sorgfältig.",
        "Ich habe noch nie so viele Sterne am Himmel gesehen wie gestern Nacht.",
        "Unsere Nachbarn streichen ihre Küche in einem hellen Gelb.",
    ),
    "fr": (
        "Il faisait froid ce matin, alors nous sommes restés à la maison pour lire.",
        "Mon frère travaille à l'hôpital et rentre tard tous les soirs.",
        "Pourriez-vous me dire où se trouve la gare la plus proche, s'il vous plaît ?",
        "Nous avons planté des tomates et des haricots dans le jardin derrière la maison.",
        "Les enfants sont allés à l'école ensemble parce que le bus était en retard.",
        "Elle a acheté du pain frais et du fromage au marché samedi.",
        "Après le dîner, nous faisons souvent une petite promenade le long de la rivière.",
        "La bibliothèque ferme tôt le dimanche, alors prévoyez bien votre visite.",
        "Je n'ai jamais vu autant d'étoiles dans le ciel que la nuit dernière.",
        "Nos voisins peignent leur cuisine d'un jaune très lumineux.",
    ),
    "es": (
        "Hacía frío esta mañana, así que nos quedamos en casa leyendo libros.",
        "Mi hermano trabaja en el hospital y vuelve tarde a casa todas las noches.",
        "¿Podría decirme dónde está la estación de tren más cercana, por favor?",
        "Plantamos tomates y judías en el jardín detrás de nuestra casa.",
        "Los niños caminaron juntos a la escuela porque el autobús llegó tarde.",
        "Ella compró pan fresco y queso en el mercado el sábado.",
        "Después de cenar solemos dar un paseo corto junto al río.",
        "La biblioteca cierra temprano los domingos, así que planifica bien tu visita.",
        "Nunca había visto tantas estrellas en el cielo como anoche.",
        "Nuestros vecinos están pintando su cocina de un amarillo muy brillante.",
    ),
    "it": (
        "Stamattina faceva freddo, quindi siamo rimasti a casa a leggere.",
        "Mio fratello lavora in ospedale e torna a casa tardi ogni sera.",
        "Mi potrebbe dire dove si trova la stazione ferroviaria più vicina, per favore?",
        "Abbiamo piantato pomodori e fagioli nell'orto dietro la nostra casa.",
        "I bambini sono andati a scuola insieme perché l'autobus era in ritardo.",
        "Sabato lei ha comprato pane fresco e formaggio al mercato.",
        "Dopo cena di solito facciamo una breve passeggiata lungo il fiume.",
        "La biblioteca chiude presto la domenica, quindi organizza bene la tua visita.",
        "Non avevo mai visto così tante stelle nel cielo come ieri sera.",
        "I nostri vicini stanno dipingendo la cucina di un giallo molto acceso.",
    ),
    "pt": (
        "Estava frio hoje de manhã, por isso ficámos em casa a ler livros.",
        "O meu irmão trabalha no hospital e chega tarde a casa todas as noites.",
        "Poderia dizer-me onde fica a estação de comboios mais próxima, por favor?",
        "Plantámos tomates e feijões na horta atrás da nossa casa.",
        "As crianças foram juntas para a escola porque o autocarro estava atrasado.",
        "Ela comprou pão fresco e queijo no mercado no sábado.",
        "Depois do jantar costumamos dar um pequeno passeio junto ao rio.",
        "A biblioteca fecha cedo aos domingos, por isso planeie bem a sua visita.",
        "Nunca tinha visto tantas estrelas no céu como ontem à noite.",
        "Os nossos vizinhos estão a pintar a cozinha de um amarelo muito vivo.",
    ),
    "nl": (
        "Het was vanochtend koud, dus we zijn thuisgebleven om boeken te lezen.",
        "Mijn broer werkt in het ziekenhuis en komt elke avond laat thuis.",
        "Kunt u mij vertellen waar het dichtstbijzijnde treinstation is?",
        "We hebben tomaten en bonen geplant in de tuin achter ons huis.",
        "De kinderen liepen samen naar school omdat de bus te laat was.",
        "Zij kocht zaterdag vers brood en kaas op de markt.",
        "Na het avondeten maken we meestal een korte wandeling langs de rivier.",
        "De bibliotheek gaat op zondag vroeg dicht, dus plan je bezoek goed.",
        "Ik heb nog nooit zoveel sterren aan de hemel gezien als gisteravond.",
        "Onze buren schilderen hun keuken in een felle kleur geel.",
    ),
    "ru": (
        "Сегодня утром было холодно, поэтому мы остались дома и читали книги.",
        "Мой брат работает в больнице и каждый вечер поздно возвращается домой.",
        "Скажите, пожалуйста, где находится ближайший вокзал?",
        "Мы посадили помидоры и фасоль в огороде за нашим домом.",
        "Дети пошли в школу вместе, потому что автобус опоздал.",
        "В субботу она купила на рынке свежий хлеб и сыр.",
        "После ужина мы обычно немного гуляем вдоль реки.",
        "По воскресеньям библиотека закрывается рано, так что планируйте визит заранее.",
        "Я никогда не видел столько звёзд на небе, как прошлой ночью.",
        "Наши соседи красят свою кухню в ярко-жёлтый цвет.",
    ),
    "pl": (
        "Dziś rano było zimno, więc zostaliśmy w domu i czytaliśmy książki.",
        "Mój brat pracuje w szpitalu i co wieczór późno wraca do domu.",
        "Czy mógłby pan mi powiedzieć, gdzie jest najbliższy dworzec kolejowy?",
        "Posadziliśmy pomidory i fasolę w ogrodzie za naszym domem.",
        "Dzieci poszły razem do szkoły, ponieważ autobus się spóźnił.",
        "W sobotę kupiła na targu świeży chleb i ser.",
        "Po kolacji zwykle idziemy na krótki spacer wzdłuż rzeki.",
        "W niedziele biblioteka jest zamykana wcześnie, więc dobrze zaplanuj wizytę.",
        "Nigdy nie widziałem tylu gwiazd na niebie co zeszłej nocy.",
        "Nasi sąsiedzi malują kuchnię na jasnożółty kolor.",
    ),
    "tr": (
        "Bu sabah hava soğuktu, bu yüzden evde kalıp kitap okuduk.",
        "Kardeşim hastanede çalışıyor ve her akşam eve geç geliyor.",
        "En yakın tren istasyonunun nerede olduğunu söyleyebilir misiniz lütfen?",
        "Evimizin arkasındaki bahçeye domates ve fasulye ektik.",
        "Otobüs geç kaldığı için çocuklar okula birlikte yürüdüler.",
        "Cumartesi günü pazardan taze ekmek ve peynir aldı.",
        "Akşam yemeğinden sonra genellikle nehir boyunca kısa bir yürüyüş yaparız.",
        "Kütüphane pazar günleri erken kapanıyor, bu yüzden ziyaretini iyi planla.",
        "Gökyüzünde dün geceki kadar çok yıldız hiç görmemiştim.",
        "Komşularımız mutfaklarını parlak sarıya boyuyorlar.",
    ),
    "sv": (
        "Det var kallt i morse, så vi stannade hemma och läste böcker.",
        "Min bror arbetar på sjukhuset och kommer hem sent varje kväll.",
        "Kan du säga mig var närmaste tågstation ligger?",
        "Vi planterade tomater och bönor i trädgården bakom vårt hus.",
        "Barnen gick till skolan tillsammans eftersom bussen var sen.",
        "Hon köpte färskt bröd och ost på torget i lördags.",
        "Efter middagen brukar vi ta en kort promenad längs ån.",
        "Biblioteket stänger tidigt på söndagar, så planera ditt besök noga.",
        "Jag har aldrig sett så många stjärnor på himlen som i natt.",
        "Våra grannar målar sitt kök i en klar gul färg.",
    ),
    "ja": (
        "今朝は寒かったので、私たちは家にいて本を読みました。",
        "兄は病院で働いていて、毎晩遅く帰ってきます。",
        "一番近い駅はどこにあるか教えていただけますか。",
        "私たちは家の裏の庭にトマトと豆を植えました。",
        "バスが遅れたので、子供たちは一緒に歩いて学校へ行きました。",
        "彼女は土曜日に市場で新鮮なパンとチーズを買いました。",
        "夕食の後、私たちはたいてい川沿いを少し散歩します。",
        "図書館は日曜日には早く閉まるので、よく計画してください。",
        "昨夜ほどたくさんの星を空で見たことはありません。",
        "隣の人たちは台所を明るい黄色に塗っています。",
    ),
}
LANGUAGES: tuple[str, ...] = tuple(SENTENCES)


def paragraph(rng: np.random.Generator, lang: str, n_sentences: int) -> str:
    """`n_sentences` distinct sentences of `lang` in random order, joined by spaces."""
    pool = SENTENCES[lang]
    idx = rng.choice(len(pool), size=min(n_sentences, len(pool)), replace=False)
    sep = "" if lang == "ja" else " "
    return sep.join(pool[int(i)] for i in idx)


def labelled_set(rng: np.random.Generator, per_language: int, max_sentences: int = 3) -> list[tuple[str, str]]:
    """[(text, lang)]: `per_language` examples of each language, one to `max_sentences` sentences each,
    shuffled."""
    out = [(paragraph(rng, lang, int(rng.integers(1, max_sentences + 1))), lang)
           for lang in LANGUAGES for _ in range(per_language)]
    order = rng.permutation(len(out))
    return [out[int(i)] for i in order]
