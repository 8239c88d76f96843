"""The search itself: normalisation, Simplified input, synonyms, the three outcomes."""

from yankao.assistant import engine
from yankao.assistant.text import mask_personal, normalise, question_key

ENTRIES = [
    engine.EntryText(1, "路燈不亮要找誰修？", "路燈壞了", "請撥1999告知路燈桿號。",
                     "Who fixes a street light?", "", "Call 1999 with the post number."),
    engine.EntryText(2, "垃圾車幾點會來？", "垃圾車時間", "可用垃圾車動態App查詢。",
                     "When does the rubbish truck come?", "", "Use the rubbish-truck app."),
    engine.EntryText(3, "機車被拖吊去哪裡領？", "", "至拖吊保管場領回。"),
]


def index(synonyms=None):
    return engine.SearchIndex(ENTRIES, engine.synonym_map(synonyms or []))


def test_simplified_input_is_read_as_traditional():
    assert normalise("垃圾车什么时候来") == "垃圾車什麼時候來"
    assert index().search("垃圾车几点来").hits[0].entry_id == 2


def test_full_width_and_case_are_folded():
    assert normalise("ＹｏｕＢｉｋｅ　１９９９") == "youbike 1999"


def test_synonyms_bring_other_words_to_the_entry():
    plain = index().search("摩托車被拖走")
    with_synonyms = index([("zh", ["機車", "摩托車"]), ("zh", ["拖吊", "拖走"])]).search(
        "摩托車被拖走")
    assert with_synonyms.hits[0].entry_id == 3
    assert with_synonyms.confidence > plain.confidence


def test_english_questions_search_the_english_entries():
    result = index().search("The street light is broken, who fixes it?")
    assert result.language == "en" and result.hits[0].entry_id == 1


def test_three_outcomes_by_confidence():
    thresholds = engine.Thresholds(answer_confidence=600, answer_margin=150,
                                   suggest_confidence=200)
    assert index().search("路燈不亮要找誰修").decide(thresholds) == "answered"
    assert index().search("明天天氣如何").decide(thresholds) == "no_match"
    assert index().search("").decide(thresholds) == "no_match"
    strict = engine.Thresholds(answer_confidence=1001, answer_margin=1000,
                               suggest_confidence=100)
    assert index().search("路燈不亮要找誰修").decide(strict) == "suggested"


def test_personal_data_is_masked_before_it_is_kept():
    text = "我是A123456789，電話0912-345-678，信箱 a.b@example.org，家裡 07-3368333"
    masked = mask_personal(text)
    for secret in ("A123456789", "0912-345-678", "a.b@example.org", "07-3368333"):
        assert secret not in masked
    assert question_key("垃圾車 幾點來？") == question_key("垃圾车几点来")


def test_index_cache_rebuilds_only_on_a_new_revision():
    cache, loads = engine.IndexCache(), []

    def load():
        loads.append(1)
        return (len(loads), None), ENTRIES, {}

    first = cache.get(current_revision=(1, None), load=load)
    assert cache.get(current_revision=(1, None), load=load) is first
    assert cache.get(current_revision=(2, None), load=load) is not first
    assert len(loads) == 2
