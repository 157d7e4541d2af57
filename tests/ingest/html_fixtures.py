"""HTML written for the tests in the markup EUR-Lex and agency web sites use.

The sentences are placeholders written for these tests, not the text of any act:
only the markup (class names, ``eli-subdivision`` ids, label tables, footnote
markers, the Official Journal header) follows what EUR-Lex publishes.
"""

from __future__ import annotations

_HEAD = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="UTF-8"><title>{doc_title}</title></head><body>
<div id="document1">
<table class="oj-table" width="100%"><tbody><tr><td><p class="oj-hd-date">{date}</p></td>
<td><p class="oj-hd-oj">C-serien</p></td><td><p class="oj-hd-ti">C/2024/3510</p></td></tr></tbody></table>
<hr class="oj-separator">
<div class="eli-container">
<div class="eli-main-title" id="tit_1">
<p class="oj-doc-ti">{t1}</p>
<p class="oj-doc-ti">{t2}</p>
<p class="oj-doc-ti">{t3}</p>
<p class="oj-doc-ti">(C/2024/3510)</p>
</div>
"""


def _row(label: str, inner: str) -> str:
    return (
        f'<table width="100%" border="0" cellspacing="0" cellpadding="0"><col width="4%"><col width="96%">'
        f'<tbody><tr><td valign="top"><p class="oj-normal">{label}</p></td>'
        f'<td valign="top">{inner}</td></tr></tbody></table>'
    )


def _p(text: str) -> str:
    return f'<p class="oj-normal">{text}</p>'


WORDS = {
    "en": {
        "t": ("COUNCIL RECOMMENDATION", "of 23 May 2024", "on enhancing research security"),
        "council": "THE COUNCIL OF THE EUROPEAN UNION,",
        "regard": "Having regard to the placeholder Treaty provisions cited for testing,",
        "whereas": "Whereas:",
        "formula": "HEREBY RECOMMENDS THAT MEMBER STATES:",
        "heading1": "Placeholder heading on policy",
        "heading2": "Placeholder heading on support",
        "done": "Done at Brussels, 23 May 2024.",
        "signatory": "For the Council",
        "annex": "ANNEX",
        "annex_title": "Placeholder list of terms",
        "sub": "({})",
    },
    "sv": {
        "t": ("RÅDETS REKOMMENDATION", "av den 23 maj 2024", "om ökad forskningssäkerhet"),
        "council": "EUROPEISKA UNIONENS RÅD HAR ANTAGIT DENNA REKOMMENDATION",
        "regard": "med beaktande av de platshållande fördragsbestämmelser som anförs för testet,",
        "whereas": "av följande skäl:",
        "formula": "HÄRIGENOM REKOMMENDERAS MEDLEMSSTATERNA ATT:",
        "heading1": "Platshållande rubrik om politik",
        "heading2": "Platshållande rubrik om stöd",
        "done": "Utfärdad i Bryssel den 23 maj 2024.",
        "signatory": "På rådets vägnar",
        "annex": "BILAGA",
        "annex_title": "Platshållande förteckning över begrepp",
        "sub": "{})",
    },
}


def recital_text(lang: str, n: int) -> str:
    return (
        f"Placeholder recital number {n} explains why research security matters for this test."
        if lang == "en"
        else f"Platshållande skäl nummer {n} förklarar varför forskningssäkerhet spelar roll i testet."
    )


def point_text(lang: str, n: int) -> str:
    return (
        f"Placeholder point {n} asks Member States to act on research security."
        if lang == "en"
        else f"Platshållande punkt {n} uppmanar medlemsstaterna att agera för forskningssäkerhet."
    )


def subpoint_text(lang: str, n: int, letter: str) -> str:
    return (
        f"placeholder sub-point {n}{letter} names one measure to take;"
        if lang == "en"
        else f"platshållande underpunkt {n}{letter} anger en åtgärd att vidta,"
    )


def eurlex_recommendation(lang: str = "en", recitals: int = 14, points: int = 6) -> str:
    """An act in EUR-Lex's OJ markup: recitals in label tables, points 1-n, point 5 with (a)-(c) and
    a sub-sub-point under (b), a footnote marker, the signature, an annex and its footnote."""
    w = WORDS[lang]
    out = [
        _HEAD.format(
            lang=lang,
            doc_title="EUR-Lex - C/2024/3510",
            date="30.5.2024",
            t1=w["t"][0],
            t2=w["t"][1],
            t3=w["t"][2] + '<a id="ntc1-C_1" href="#ntr1-C_1">'
            '(<span class="oj-super oj-note-tag">1</span>)</a>',
        )
    ]
    out.append('<div class="eli-subdivision" id="pbl_1">')
    out.append(_p(w["council"]))
    out.append(_p(w["regard"]))
    out.append(_p(w["whereas"]))
    for n in range(1, recitals + 1):
        text = recital_text(lang, n)
        if n == 3:
            text += ' <a id="ntc2-C_1" href="#ntr2-C_1">(<span class="oj-super oj-note-tag">2</span>)</a>'
        out.append(f'<div class="eli-subdivision" id="rct_{n}">{_row(f"({n})", _p(text))}</div>')
    out.append(_p(w["formula"]))
    out.append("</div>")
    out.append('<div id="enc_1">')
    out.append(f'<p class="oj-ti-grseq-1"><span class="oj-bold">{w["heading1"]}</span></p>')
    for n in range(1, points + 1):
        if n == 4:
            out.append(f'<p class="oj-ti-grseq-1"><span class="oj-bold">{w["heading2"]}</span></p>')
        if n == 5:
            subs = []
            for letter in "abc":
                inner = _p(subpoint_text(lang, n, letter))
                if letter == "b":
                    roman = "(i)" if lang == "en" else "i)"
                    inner += _row(
                        roman,
                        _p(
                            "placeholder sub-sub-point one;"
                            if lang == "en"
                            else "platshållande underunderpunkt ett,"
                        ),
                    )
                subs.append(_row(w["sub"].format(letter), inner))
            out.append(_row(f"{n}.", _p(point_text(lang, n)) + "".join(subs)))
        else:
            out.append(_row(f"{n}.", _p(point_text(lang, n))))
    out.append("</div>")
    out.append('<div class="oj-final">')
    out.append(_p(w["done"]))
    out.append(
        f'<div class="oj-signatory"><p class="oj-signatory">{w["signatory"]}</p>'
        '<p class="oj-signatory">A. PLACEHOLDER</p></div></div>'
    )
    out.append('<div class="eli-subdivision" id="anx_1">')
    out.append(f'<p class="oj-doc-ti">{w["annex"]}</p>')
    out.append(f'<p class="oj-ti-grseq-1">{w["annex_title"]}</p>')
    out.append(
        _p(
            "Placeholder term: a word defined only for this test."
            if lang == "en"
            else "Platshållande begrepp: ett ord som bara definieras för testet."
        )
    )
    out.append("</div>")
    out.append(
        '<hr class="oj-note"><p class="oj-note"><a id="ntr1-C_1" href="#ntc1-C_1">(1)</a> '
        "Placeholder footnote to the title.</p>"
    )
    out.append('<p class="oj-note"><a id="ntr2-C_1" href="#ntc2-C_1">(2)</a> Placeholder footnote two.</p>')
    out.append("</div></div></body></html>")
    return "\n".join(out)


def agency_page() -> str:
    """A university's guideline page: site header and navigation, a cookie banner, numbered headings,
    a list introduced by a sentence, a sidebar and a footer."""
    return """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>Riktlinjer för internationella samarbeten | Exempeluniversitetet</title>
<script>window.dataLayer = [];</script><style>body { color: black }</style></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Vi använder kakor för att webbplatsen ska fungera.</p>
<button>Godkänn alla kakor</button></div>
<header class="site-header"><a href="/">Exempeluniversitetet</a>
<nav class="main-nav"><ul><li><a href="/utbildning">Utbildning</a></li>
<li><a href="/forskning">Forskning</a></li></ul></nav>
</header>
<nav class="breadcrumbs"><a href="/">Start</a> / <a href="/forskning">Forskning</a></nav>
<main id="main-content">
<article>
<h1>Riktlinjer för ansvarsfull internationalisering</h1>
<p class="ingress">Riktlinjerna gäller alla anställda som inleder internationella samarbeten.</p>
<h2>1 Syfte</h2>
<p>Riktlinjerna ska ge stöd när ett samarbete med en part i ett annat land övervägs.</p>
<h2>2 Riskbedömning</h2>
<h3>2.1 När en riskbedömning görs</h3>
<p>En riskbedömning görs innan ett avtal om samarbete undertecknas. Den ska omfatta:</p>
<ul><li>partens ägarförhållanden,</li><li>forskningsområdets känslighet,</li>
<li>exportkontrollerade produkter.</li></ul>
<h3>2.2 Vem som ansvarar</h3>
<p>Prefekten ansvarar för att riskbedömningen blir gjord.</p>
<p>Säkerhetsskyddschefen ger stöd i <strong>svårare</strong> fall.</p>
<aside class="sidebar"><h2>Relaterade sidor</h2><p>Läs också om exportkontroll.</p></aside>
</article>
</main>
<footer class="site-footer"><p>Exempeluniversitetet, Box 1, 123 45 Exempelstad</p>
<p>Senast uppdaterad 2026-01-10</p>
</footer>
</body></html>"""
