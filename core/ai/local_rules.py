"""Keyword and pattern rules (Russian and English) behind the offline ``local`` provider.

These are honest heuristics, not a language model: they look for URLs, money amounts, meeting words with a
date or time, imperative verbs and the like. Every result built from them is marked ``is_heuristic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.ai.types import NoteKind


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- shared patterns ---------------------------------------------------------------------------------------

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w[\w-]{0,40})")
WORD_RE = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)

_NUM = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCIES: list[tuple[str, str]] = [
    (r"₽|руб(?:лей|ля|ль)?\.?|р\.(?!\w)|р(?![\w.])|rub\b|rur\b", "RUB"),
    (r"\$|usd\b|долл(?:ар(?:а|ов)?)?\.?|dollars?\b|bucks\b", "USD"),
    (r"€|eur\b|euros?\b|евро\b", "EUR"),
    (r"£|gbp\b|фунт(?:а|ов)?\b|pounds?\b", "GBP"),
    (r"₸|kzt\b|тенге\b", "KZT"),
    (r"₴|uah\b|грн\.?|гривен\b|гривн(?:а|ы)?\b", "UAH"),
]
_CUR_ALT = "|".join(f"(?:{p})" for p, _ in _CURRENCIES)
MONEY_AFTER_RE = re.compile(rf"(?<![\w.,])({_NUM})\s?(?:k|к|тыс\.?)?\s?({_CUR_ALT})", re.IGNORECASE)
MONEY_BEFORE_RE = re.compile(rf"([$€£₽₸₴])\s?({_NUM})", re.IGNORECASE)
_SPEND_RE = re.compile(
    r"\b(потратил\w*|заплатил\w*|оплатил\w*|купил\w*|обошл\w*|стоил\w*|стоит|spent|paid|bought|cost|costs)\b",
    re.IGNORECASE,
)
_BARE_NUMBER_RE = re.compile(r"(?<![\w:.,])\d+(?:[.,]\d{1,2})?(?![\w:.,])")

_UNITS: list[tuple[str, str]] = [
    (r"км|km|kilomet(?:er|re)s?|километр\w*", "km"),
    (r"кг|kg|kilo(?:gram)?s?|килограмм\w*", "kg"),
    (r"г|гр|g|грамм\w*|grams?", "g"),
    (r"л|l|литр\w*|lit(?:er|re)s?", "l"),
    (r"мл|ml", "ml"),
    (r"м|m|метр\w*|met(?:er|re)s?", "m"),
    (r"шт\.?|pcs|pieces?|штук\w*", "pcs"),
    (r"мин\.?|min|minutes?|минут\w*", "min"),
    (r"ч|h|hours?|час\w*", "h"),
    (r"шаг\w*|steps?", "steps"),
    (r"страниц\w*|стр\.|pages?", "pages"),
    (r"раз(?:а)?|times", "times"),
    (r"ккал|kcal|калори\w*|calories", "kcal"),
]
_UNIT_RE = re.compile(
    rf"(?<![\w.,])({_NUM})\s?({'|'.join(f'(?:{p})' for p, _ in _UNITS)})(?!\w)", re.IGNORECASE
)

# -- date and time mentions (enough to tell a meeting; real parsing lives in core.dates) --------------------

_MONTHS = (r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]\w*|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|"
           r"ноябр\w*|декабр\w*|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_WHEN_RE = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b"
    r"|\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.)"
    r"|\b(?:в|к|at|by)\s\d{1,2}(?:\s?(?:час\w*|утра|вечера|дня|ночи|o'clock))?\b"
    r"|\b(?:сегодня|завтра|послезавтра|today|tomorrow|tonight|this evening|next week|на следующей неделе)\b"
    r"|\b(?:в|во|на|on|next|this)?\s?(?:понедельник|вторник|сред[уаы]|четверг|пятниц[уаы]|суббот[уаы]|"
    r"воскресень[еия]|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    rf"|\b\d{{1,2}}(?:-?го)?\s(?:{_MONTHS})\b|\b(?:{_MONTHS})\s\d{{1,2}}\b"
    r"|\b\d{1,2}\.\d{1,2}(?:\.\d{2,4})?\b|\bчерез\s\w+|\bin\s\d+\s(?:min|hour|day|week)",
    re.IGNORECASE,
)

# -- kind rules ---------------------------------------------------------------------------------------

_REMINDER_RE = re.compile(
    r"^\s*(?:напомни\w*|напоминани\w*|remind\w*|reminder)\b|\bне\s+забыть\b|\bне\s+забудь\w*\b"
    r"|\bdon'?t\s+forget\b|\bdo\s+not\s+forget\b|\bremember\s+to\b|\bнапомни\s+мне\b|\bremind\s+me\b",
    re.IGNORECASE,
)
_IDEA_RE = re.compile(
    r"^\s*(?:иде[яию]|мысль|idea|thought)\b|\b(?:а\s+что\s+если|что\s+если|what\s+if|how\s+about\s+we)\b"
    r"|\b(?:есть\s+идея|идея\s+для|idea\s+for)\b|^\s*💡",
    re.IGNORECASE,
)
_MEETING_RE = re.compile(
    r"\b(?:встреч\w*|встретиться|созвон\w*|созвониться|митинг\w*|совещани\w*|планёрк\w*|планерк\w*|"
    r"собеседовани\w*|собрани\w*|свидани\w*|переговор\w*|приём\s+у|прием\s+у|запись\s+к|"
    r"(?:обед|ужин|завтрак|кофе|звонок)\s+с|"
    r"meeting|meet\s+(?:with|up)|call\s+with|appointment|interview|standup|stand-up|sync\s+with|"
    r"(?:lunch|dinner|breakfast|coffee|drinks)\s+with|1:1|one-on-one|date\s+with)\b",
    re.IGNORECASE,
)
_WITH_PERSON_RE = re.compile(r"\b(?:с|со|with)\s+[A-ZА-ЯЁ][\w-]+")
_QUESTION_START_RE = re.compile(
    r"^\s*(?:как|что|почему|зачем|где|когда|кто|какой|какая|какое|какие|сколько|куда|откуда|чей|можно\s+ли|"
    r"how|what|why|where|when|who|whom|which|whose)\b",
    re.IGNORECASE,
)
_TASK_RE = re.compile(
    r"\b(?:надо|нужно|необходимо|должен|должна|требуется|todo|to-do|need\s+to|needs\s+to|have\s+to|"
    r"has\s+to|must|should|gotta)\b|^\s*(?:\[\s?\]|-\s\[\s?\])",
    re.IGNORECASE,
)
_EN_IMPERATIVES = _words(
    "do buy call fix send submit write pay book order email schedule review finish prepare clean wash cancel "
    "renew print sign return pick bring take get make ask tell check update install repair replace plan "
    "organize visit text reply respond file pack charge feed water walk cook book"
)
_RU_INFINITIVE_RE = re.compile(r"^[а-яё]+(?:ать|ять|еть|ить|уть|ыть|оть|ти|чь|ться|тись)$", re.IGNORECASE)
_RU_NOT_VERBS = _words(
    "мать кровать печать опять пять девять десять путь суть ртуть сеть плеть треть нить часть власть "
    "область новость радость скорость память тетрадь площадь лошадь жизнь есть шесть пути сети"
)

_KIND_CONFIDENCE: dict[str, float] = {
    "link": 0.9, "reminder": 0.85, "idea": 0.8, "expense": 0.85, "meeting": 0.8, "question": 0.75,
    "task": 0.7, "note": 0.4,
}


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str


def parse_number(raw: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", "."))


def _currency_code(token: str) -> str:
    for pattern, code in _CURRENCIES:
        if re.fullmatch(pattern, token, re.IGNORECASE):
            return code
    return "RUB"


def find_money(text: str) -> Money | None:
    match = MONEY_AFTER_RE.search(text)
    if match:
        amount = parse_number(match.group(1))
        if re.search(r"(?:k|к|тыс)", text[match.end(1):match.start(2)], re.IGNORECASE):
            amount *= 1000
        return Money(amount, _currency_code(match.group(2).strip()))
    match = MONEY_BEFORE_RE.search(text)
    if match:
        return Money(parse_number(match.group(2)), _currency_code(match.group(1)))
    return None


def find_quantity(text: str) -> tuple[float, str] | None:
    for match in _UNIT_RE.finditer(text):
        unit_token = match.group(2)
        for pattern, unit in _UNITS:
            if re.fullmatch(pattern, unit_token, re.IGNORECASE):
                return parse_number(match.group(1)), unit
    return None


def has_when(text: str) -> bool:
    return bool(_WHEN_RE.search(text))


def strip_urls(text: str) -> str:
    return URL_RE.sub(" ", text).strip()


def _first_word(text: str) -> str:
    match = WORD_RE.search(text)
    return match.group(0).lower() if match else ""


def _starts_with_task_verb(text: str) -> bool:
    word = _first_word(text)
    if not word:
        return False
    if word in _EN_IMPERATIVES:
        return True
    return bool(_RU_INFINITIVE_RE.match(word)) and word not in _RU_NOT_VERBS


def classify_kind(text: str) -> tuple[NoteKind, float]:
    """The kind of a note by the first rule that matches, with a rough confidence."""
    stripped = text.strip()
    without_urls = strip_urls(stripped)
    if URL_RE.search(stripped):
        return "link", 0.9 if len(WORD_RE.findall(without_urls)) <= 8 else 0.7
    if _REMINDER_RE.search(stripped):
        return "reminder", _KIND_CONFIDENCE["reminder"]
    if _IDEA_RE.search(stripped):
        return "idea", _KIND_CONFIDENCE["idea"]
    money = find_money(stripped)
    if money is not None or (_SPEND_RE.search(stripped) and _BARE_NUMBER_RE.search(stripped)):
        return "expense", _KIND_CONFIDENCE["expense"] if money else 0.6
    when = has_when(stripped)
    if _MEETING_RE.search(stripped):
        return "meeting", 0.85 if when else 0.65
    if stripped.endswith("?") or _QUESTION_START_RE.search(stripped):
        return "question", _KIND_CONFIDENCE["question"] if stripped.endswith("?") else 0.6
    if _TASK_RE.search(stripped) or _starts_with_task_verb(stripped):
        return "task", 0.75 if when else _KIND_CONFIDENCE["task"]
    if when and _WITH_PERSON_RE.search(stripped):
        return "meeting", 0.6
    return "note", _KIND_CONFIDENCE["note"]


# -- tags, titles, people, places -----------------------------------------------------------------------------

STOPWORDS = _words(
    """и в во на с со к ко по за из от до у о об а но или не ни что как это то же ли бы был была было были
    быть я ты он она оно мы вы они мне меня мой моя моё мои его её их нам вас вам там тут здесь уже ещё еще
    очень так для при про над под без через после перед когда где куда сегодня завтра вчера надо нужно
    который которая которые весь все всё этот эта эти тот та те свой своя свои себя чтобы если только
    the a an and or but not of to in on at by for with from as is are was were be been being it its this
    that these those i you he she we they me my your our their his her them us do does did have has had
    will would can could should must need today tomorrow yesterday about into over after before very just
    so then than also there here what when where why how who which"""
)


def hashtags(text: str) -> list[str]:
    return [t.lower() for t in HASHTAG_RE.findall(text)]


def keywords(text: str, limit: int = 3) -> list[str]:
    """The first few content words (no stop words, verbs, names or numbers), lower-cased."""
    found: list[str] = []
    for i, word in enumerate(WORD_RE.findall(strip_urls(HASHTAG_RE.sub(" ", text)))):
        w = word.lower().strip("'-")
        if len(w) < 4 or w in STOPWORDS or w in found or _is_action(w):
            continue
        if i > 0 and word[0].isupper():  # a name or a place, not a topic word
            continue
        found.append(w)
        if len(found) == limit:
            break
    return found


_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\n+")


def first_sentence(text: str) -> str:
    clean = HASHTAG_RE.sub("", text).strip()
    parts = [p.strip() for p in _SENTENCE_END_RE.split(clean) if p.strip()]
    return parts[0] if parts else clean


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-—")
    return (cut or text[:limit]) + "…"


def title_for(text: str, limit: int = 60) -> str:
    sentence = first_sentence(text).rstrip(".!…")
    without_urls = strip_urls(sentence)
    if not WORD_RE.search(without_urls):
        url = URL_RE.search(text)
        if url:
            return re.sub(r"^(?:https?://)?(?:www\.)?", "", url.group(0)).split("/")[0]
        return shorten(sentence, limit) or "…"
    title = shorten(without_urls.strip(" :—-"), limit)
    return title[:1].upper() + title[1:]


def _nominative_ru(name: str) -> str:
    """Undo the instrumental case of a Russian first name after «с» (Иваном → Иван, Машей → Маша)."""
    low = name.lower()
    if low.endswith("ией"):
        return name[:-3] + "ия"
    if low.endswith("ой") and len(name) > 3:
        return name[:-2] + "а"
    if low.endswith("ей") and len(name) > 3:
        return name[:-2] + ("а" if low[-3] in "шжчщц" else "я")
    if low.endswith("ом") and len(name) > 3:
        return name[:-2]
    if low.endswith("ем") and len(name) > 3:
        return name[:-2] + ("й" if low[-3] in "аеёиоуыэюя" else "ь")
    return name


_PEOPLE_RE = re.compile(
    r"\b(с|со|with)\s+((?:[A-ZА-ЯЁ][\w-]+)(?:\s*(?:,|\bи\b|\band\b|&)\s*[A-ZА-ЯЁ][\w-]+)*)"
)


def people_mentions(text: str) -> list[tuple[str, str]]:
    """``(as written, base form)`` for each name after «с»/«со»/"with"."""
    found: list[tuple[str, str]] = []
    for match in _PEOPLE_RE.finditer(text):
        russian = match.group(1).lower() in ("с", "со")
        for name in re.split(r"\s*(?:,|\bи\b|\band\b|&)\s*", match.group(2)):
            if name:
                found.append((name, _nominative_ru(name) if russian else name))
    return found


def find_people(text: str) -> list[str]:
    people: list[str] = []
    for _, person in people_mentions(text):
        if person not in people:
            people.append(person)
    return people


_PLACE_NOUNS = (r"кафе|ресторан\w*|бар[еу]?|парк[еу]?|магазин\w*|офис[еу]?|зал[еу]?|клуб[еу]?|кино|"
                r"кинотеатр[еу]?|театр[еу]?|музе[еяю]|торгов\w+\s+центр[еу]|тц|больниц[еу]|клиник[еу]|"
                r"аптек[еу]|школ[еу]|университет[еу]|библиотек[еу]|бассейн[еу]|спортзал[еу]")
_CAP = "(?-i:[A-ZА-ЯЁ])"  # a capital letter even under IGNORECASE
_PLACE_RU_RE = re.compile(
    rf"\b(?:в|во|на)\s+((?:{_PLACE_NOUNS})(?:\s+[«\"]?{_CAP}[\w-]*[»\"]?(?:\s+{_CAP}[\w-]*)?)?"
    rf"|[«\"][^»\"]+[»\"]|{_CAP}[\w-]+(?:\s+{_CAP}[\w-]+)?)",
    re.IGNORECASE,
)
_PLACE_EN_RE = re.compile(r"\b(?:at|in)\s+(?:the\s+)?([A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+){0,2})")


def find_place(text: str) -> str | None:
    for match in _PLACE_RU_RE.finditer(text):
        candidate = match.group(1).strip()
        first = candidate.split()[0]
        # with IGNORECASE the bare-name branch also matches lower-case words: accept those only if capitalized
        if re.fullmatch(_PLACE_NOUNS, first, re.IGNORECASE) or candidate[0] in "«\"" or first[0].isupper():
            return re.sub(r"[«»\"]", "", candidate).strip()
    english = _PLACE_EN_RE.search(text)
    return english.group(1) if english else None


# -- action and object of a life-log entry ------------------------------------------------------------------

_RU_PAST_RE = re.compile(r"^[а-яё]+(?:л|ла|ли|ло|лся|лась|лись)$", re.IGNORECASE)
_RU_NOT_PAST = _words("стол пол зал угол мел сел вокзал фильм шел ул ел была был было были")
_EN_PAST = _words(
    "bought ate met ran went read saw drank paid spent took made had got did watched walked cooked visited "
    "played finished started called wrote sent listened slept worked studied learned cleaned fixed tried "
    "ordered booked lent borrowed gave sold cycled swam drove flew rode painted built planted baked"
)
_UNIT_OR_CURRENCY_RE = re.compile(
    rf"(?:{_CUR_ALT}|{'|'.join(f'(?:{p})' for p, _ in _UNITS)})", re.IGNORECASE
)


def _is_action(word: str) -> bool:
    low = word.lower()
    if low in _EN_PAST or low in _EN_IMPERATIVES:
        return True
    if low in _RU_NOT_PAST or low in _RU_NOT_VERBS:
        return False
    return bool(_RU_PAST_RE.match(low) or _RU_INFINITIVE_RE.match(low))


def action_and_object(text: str, *, exclude: list[str]) -> tuple[str, str]:
    """The first verb (within the first four words) and the first content word or two after it."""
    words = WORD_RE.findall(strip_urls(HASHTAG_RE.sub(" ", text)))
    skip = {w.lower() for phrase in exclude for w in WORD_RE.findall(phrase)}
    action_at = next((i for i, w in enumerate(words[:4]) if _is_action(w)), None)
    action = words[action_at].lower() if action_at is not None else ""
    start = action_at + 1 if action_at is not None else 0
    obj: list[str] = []
    for word in words[start:]:
        low = word.lower()
        content = (len(low) > 1 and low not in STOPWORDS and low not in skip
                   and not _UNIT_OR_CURRENCY_RE.fullmatch(low) and not _is_action(low))
        if content:
            obj.append(low)
            if len(obj) == 2:
                break
        elif obj:
            break
    return action, " ".join(obj)
