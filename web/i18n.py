"""The interface's words in Swedish (default) and English, and how a request picks its language.

The answer's language follows the question (the library detects it); the interface's
language follows the user: ``?lang=``, then the ``vv_lang`` cookie, then Accept-Language.
"""

from __future__ import annotations

from starlette.requests import Request

LANGS = ("sv", "en")
DEFAULT = "sv"
COOKIE = "vv_lang"

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "app_tagline": "Svar om forskningssäkerhet och ansvarsfull internationalisering – med "
                       "citerade källor",
        "skip": "Hoppa till innehållet",
        "nav_chat": "Fråga",
        "nav_sources": "Källor",
        "nav_api": "API",
        "nav_main": "Huvudmeny",
        "switch_lang": "English",
        "switch_lang_code": "en",
        "chat_title": "Fråga Vägvisare",
        "conversation": "Samtal",
        "intro": "Ställ en fråga på svenska eller engelska. Varje svar består av ordagranna citat ur lagar, "
                 "riktlinjer och beslut, med en länk till varje citerad bestämmelse.",
        "examples": "Exempel",
        "question_label": "Din fråga",
        "question_help": "Enter skickar, Skift+Enter ger ny rad. Skriv inte personnummer eller "
                         "e-postadresser.",
        "send": "Skicka",
        "thinking": "Söker i källorna …",
        "filters": "Begränsa sökningen",
        "filter_docs": "Dokument",
        "filter_docs_help": "Inget val betyder alla dokument. Håll Ctrl eller Cmd för att välja flera.",
        "filter_kinds": "Typ av källa",
        "new_conversation": "Nytt samtal",
        "you_asked": "Fråga:",
        "abstained_badge": "Inget säkert svar i källorna",
        "evidence": "Citerade bestämmelser",
        "score": "träff",
        "copy_answer": "Kopiera svaret med källor",
        "copied": "Kopierat",
        "copy_failed": "Kunde inte kopiera – markera texten och kopiera själv",
        "share_link": "Dela länk till svaret",
        "feedback_legend": "Var svaret till hjälp?",
        "helpful": "Ja, till hjälp",
        "yes": "Ja",
        "no": "Nej",
        "not_helpful": "Nej, inte till hjälp",
        "more_feedback": "Fel citat eller en kommentar",
        "wrong_citation": "Ett citat är fel",
        "none": "– inget –",
        "comment": "Kommentar (valfri)",
        "send_feedback": "Skicka återkoppling",
        "thanks": "Tack! Din återkoppling är sparad.",
        "back_to_chat": "Tillbaka till samtalet",
        "clause_in_context": "Bestämmelsen i sitt sammanhang",
        "previous": "Föregående",
        "next": "Nästa",
        "status": "Status",
        "valid_from": "Gäller fr.o.m.",
        "valid_to": "Gäller t.o.m.",
        "consolidated": "i lydelse",
        "version": "Version",
        "amended_by": "Ändrad genom",
        "general_advice": "Allmänna råd (inte bindande: myndighetens råd om hur föreskriften kan följas)",
        "official_source": "Officiell källa",
        "copy_citation": "Kopiera hänvisning",
        "highlight_note": "Den citerade texten är markerad.",
        "parallel": "Samma bestämmelse på",
        "other_wordings": "Andra lydelser",
        "whole_document": "Hela dokumentet",
        "contents": "Innehåll",
        "page": "sida",
        "sources_title": "Källor",
        "sources_intro": "Alla dokument som Vägvisare söker i. Lagar och förordningar är bindande; "
                         "riktlinjer, "
                         "rekommendationer och information är det inte.",
        "col_document": "Dokument",
        "col_kind": "Typ",
        "col_binding": "Rättslig status",
        "col_as_of": "Version",
        "col_clauses": "Bestämmelser",
        "shared_title": "Delat svar",
        "shared_note": "Ett sparat svar, som det gavs. Indexversion:",
        "ask_again": "Ställ frågan igen",
        "error_title": "Något gick fel",
        "not_found_title": "Sidan finns inte",
        "not_found": "Det finns ingen sida på den här adressen.",
        "no_index_title": "Inget index ännu",
        "csrf_failed": "Formuläret har gått ut. Ladda om sidan och skicka igen.",
        "rate_limited": "För många frågor på kort tid. Vänta en stund och försök igen.",
        "internal_error": "Ett oväntat fel inträffade. Försök igen; om det upprepas, kontakta förvaltaren.",
        "api_title": "JSON-API",
        "api_intro": "Maskinläsbar beskrivning:",
        "footer": "Vägvisare citerar källorna ordagrant och hittar aldrig på. Kontrollera alltid "
                  "den citerade "
                  "bestämmelsen.",
        "kind_statute": "lag", "kind_ordinance": "förordning", "kind_guideline": "riktlinje",
        "kind_recommendation": "rekommendation", "kind_decision": "beslut", "kind_page": "webbsida",
        "status_in_force": "gällande", "status_repealed": "upphävd", "status_expired": "upphörd",
        "status_not_yet_in_force": "ännu inte i kraft",
    },
    "en": {
        "app_tagline": "Answers on research security and responsible internationalisation – with "
                       "cited sources",
        "skip": "Skip to content",
        "nav_chat": "Ask",
        "nav_sources": "Sources",
        "nav_api": "API",
        "nav_main": "Main menu",
        "switch_lang": "Svenska",
        "switch_lang_code": "sv",
        "chat_title": "Ask Vägvisare",
        "conversation": "Conversation",
        "intro": "Ask a question in Swedish or English. Every answer consists of verbatim quotes "
                 "from statutes, "
                 "guidelines and decisions, with a link to each cited provision.",
        "examples": "Examples",
        "question_label": "Your question",
        "question_help": "Enter sends, Shift+Enter starts a new line. Do not enter personal identity numbers "
                         "or e-mail addresses.",
        "send": "Send",
        "thinking": "Searching the sources …",
        "filters": "Narrow the search",
        "filter_docs": "Documents",
        "filter_docs_help": "No selection means all documents. Hold Ctrl or Cmd to select several.",
        "filter_kinds": "Kind of source",
        "new_conversation": "New conversation",
        "you_asked": "Question:",
        "abstained_badge": "No reliable answer in the sources",
        "evidence": "Cited provisions",
        "score": "match",
        "copy_answer": "Copy the answer with sources",
        "copied": "Copied",
        "copy_failed": "Could not copy – select the text and copy it yourself",
        "share_link": "Share a link to this answer",
        "feedback_legend": "Was this answer helpful?",
        "helpful": "Yes, helpful",
        "yes": "Yes",
        "no": "No",
        "not_helpful": "No, not helpful",
        "more_feedback": "A wrong citation or a comment",
        "wrong_citation": "A citation is wrong",
        "none": "– none –",
        "comment": "Comment (optional)",
        "send_feedback": "Send feedback",
        "thanks": "Thank you! Your feedback has been saved.",
        "back_to_chat": "Back to the conversation",
        "clause_in_context": "The provision in context",
        "previous": "Previous",
        "next": "Next",
        "status": "Status",
        "valid_from": "Valid from",
        "valid_to": "Valid until",
        "consolidated": "as amended",
        "version": "Version",
        "amended_by": "Amended by",
        "general_advice": "General advice (not binding: the agency's advice on how to meet the provision)",
        "official_source": "Official source",
        "copy_citation": "Copy citation",
        "highlight_note": "The quoted text is highlighted.",
        "parallel": "The same provision in",
        "other_wordings": "Other wordings",
        "whole_document": "Whole document",
        "contents": "Contents",
        "page": "page",
        "sources_title": "Sources",
        "sources_intro": "Every document Vägvisare searches. Statutes and ordinances are binding; "
                         "guidelines, "
                         "recommendations and information are not.",
        "col_document": "Document",
        "col_kind": "Kind",
        "col_binding": "Legal status",
        "col_as_of": "Version",
        "col_clauses": "Provisions",
        "shared_title": "Shared answer",
        "shared_note": "A stored answer, as it was given. Index version:",
        "ask_again": "Ask the question again",
        "error_title": "Something went wrong",
        "not_found_title": "Page not found",
        "not_found": "There is no page at this address.",
        "no_index_title": "No index yet",
        "csrf_failed": "The form has expired. Reload the page and send it again.",
        "rate_limited": "Too many questions in a short time. Wait a moment and try again.",
        "internal_error": "An unexpected error occurred. Try again; if it happens again, contact "
                          "the maintainers.",
        "api_title": "JSON API",
        "api_intro": "Machine-readable description:",
        "footer": "Vägvisare quotes its sources verbatim and never makes things up. Always check the cited "
                  "provision.",
        "kind_statute": "statute", "kind_ordinance": "ordinance", "kind_guideline": "guideline",
        "kind_recommendation": "recommendation", "kind_decision": "decision", "kind_page": "web page",
        "status_in_force": "in force", "status_repealed": "repealed", "status_expired": "no longer in force",
        "status_not_yet_in_force": "not yet in force",
    },
}

EXAMPLES = {
    "sv": ["Vem ska säkerhetsprövas?", "Vad är en säkerhetsskyddsanalys?",
           "Vad ska riktlinjerna för ansvarsfull internationalisering innehålla?"],
    "en": ["Who must undergo security vetting?", "What is a protective security analysis?"],
}

LANG_NAMES = {"sv": {"sv": "svenska", "en": "engelska"}, "en": {"sv": "Swedish", "en": "English"}}


def accepted(header: str) -> str | None:
    """The best of our languages in an Accept-Language header ("en-GB,en;q=0.9,sv;q=0.8" → "en")."""
    best: tuple[float, str] | None = None
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        if code == "nb" or code == "nn" or code == "no" or code == "da":
            code = "sv"  # Scandinavian readers are closer to the Swedish interface
        if code not in LANGS:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > 0 and (best is None or q > best[0]):
            best = (q, code)
    return best[1] if best else None


def pick_lang(request: Request) -> str:
    """``?lang=``, then the cookie, then Accept-Language, then Swedish."""
    query = request.query_params.get("lang")
    if query in LANGS:
        return query
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie
    return accepted(request.headers.get("accept-language", "")) or DEFAULT


def strings(lang: str) -> dict[str, str]:
    return STRINGS[lang if lang in LANGS else DEFAULT]
