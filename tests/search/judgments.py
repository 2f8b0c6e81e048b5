"""Graded relevance judgments over the seed passages, written from the passages' content.

2 = the passage answers the information need; 1 = it bears on it in part. Unlisted passages count as 0.
Passage ids abbreviate the seed file: "002:p6" is "002_ec1278886a36e2bd:p6".
"""

import math


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    """nDCG@k with graded gains 2^g − 1 (``ranked`` and ``grades`` use the same ids)."""
    dcg = sum((2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    return dcg / sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))


def best_page(grades: dict[str, int], k: int = 5, per_source: int = 2) -> list[str]:
    """The best first page a search may show: the judged passages by grade, at most ``per_source`` of one
    source (the diverse pages search shows). Its nDCG@k is the most any ranking can score under that rule."""
    page: list[str] = []
    for pid in sorted(grades, key=lambda pid: -grades[pid]):
        if len(page) < k and sum(p.split(":")[0] == pid.split(":")[0] for p in page) < per_source:
            page.append(pid)
    return page


JUDGMENTS: dict[str, dict[str, int]] = {
    "THAAD deployment": {"002:p6": 2, "002:p7": 2},
    "comfort women": {"002:p8": 2, "003:p7": 2},
    "forced labor compensation": {"003:p8": 2, "003:p7": 1},
    "defense cost sharing Special Measures Agreement": {"000:p5": 2, "000:p6": 1, "001:p2": 1},
    "Camp David summit": {"004:p1": 2, "004:p3": 2},
    "USFK role in a Taiwan conflict": {"001:p8": 2, "001:p9": 1, "001:p10": 1, "003:p4": 1},
    "CPTPP trade talks": {"001:p6": 2},
    "Alaska natural gas investment": {"001:p6": 2},
    "North Korea Russia military cooperation": {"001:p7": 2, "004:p13": 2, "004:p14": 1, "002:p8": 1},
    "One China policy": {"004:p9": 2, "004:p10": 2},
    "de-risking economic coercion technology": {"004:p15": 2, "004:p14": 1},
    "intelligence sharing between South Korea, the US and Japan": {"002:p5": 2, "002:p4": 2, "002:p2": 1},
    "revision of the US-Japan defense guidelines": {"002:p1": 2, "002:p9": 2, "002:p2": 1},
    "Trump transactional approach to alliances": {"001:p2": 2, "000:p3": 1, "000:p6": 1, "001:p4": 1},
    "regime survival and nuclear weapons": {"004:p5": 2, "004:p6": 2},
    "Dokdo sovereignty": {"003:p7": 2},
    "trilateral military exercises": {"000:p4": 2, "004:p3": 1, "004:p7": 1, "000:p1": 1},
    "liberal president elected in 2027": {"004:p16": 2},
    "Taiwan contingency planning": {"004:p11": 2, "004:p12": 2},
    "upgrade of the US-Japan alliance military command": {"000:p1": 2, "000:p2": 1},
    "Shangri-La Dialogue defense ministers": {"002:p4": 2},
    "Lee Jae Myung visit to Japan": {"001:p4": 2},
    "Indo-Pacific and global strategy of the United States": {
        "003:p3": 2,
        "003:p1": 1,
        "003:p2": 1,
        "003:p4": 1,
        "001:p11": 1,
    },
    "missile defense system": {"002:p6": 2, "002:p7": 2},
    "Kishida wants Japan to become a military power": {"003:p6": 2, "003:p8": 1},
}

# Multi-word and paraphrased needs: the answer rarely repeats the query's words.
PARAPHRASE_JUDGMENTS: dict[str, dict[str, int]] = {
    "financial contributions from allies for stationing US troops": {"001:p2": 2, "000:p6": 2, "000:p5": 1},
    "misuse of South Korea's defense cost contributions": {"000:p5": 2, "000:p6": 2},
    "security dilemma North Korea": {"004:p4": 2, "004:p5": 2, "004:p6": 2, "004:p7": 1},
    "reassuring China about Taiwan": {"004:p8": 2, "004:p9": 2, "004:p12": 2, "004:p10": 1},
    "USFK Taiwan contingency": {"001:p8": 2, "001:p9": 1, "001:p10": 1, "004:p11": 1, "003:p4": 1},
    "Japan sidelining South Korea in Washington's priorities": {"000:p1": 2, "000:p2": 2, "000:p4": 1},
    "China Russia North Korea bloc": {"004:p13": 2, "004:p14": 2, "002:p8": 2, "001:p7": 1},
    "historical grievances between Seoul and Tokyo": {
        "003:p7": 2,
        "000:p2": 1,
        "001:p4": 1,
        "001:p5": 1,
        "004:p16": 1,
        "002:p8": 1,
    },
    "offensive military posture fuels escalation": {"004:p7": 2, "004:p6": 2, "004:p11": 1},
    "trade surplus and tariffs pressure on Seoul": {"001:p3": 2, "001:p2": 1},
    "change of government in Seoul ends trilateral cooperation": {"004:p16": 2, "004:p17": 1, "003:p8": 1},
    "China's backlash against missile defense deployment": {"002:p6": 2, "002:p7": 2},
    "information protection pact and logistics agreement": {"002:p2": 2, "002:p5": 1},
    "replacing ground troops with airpower and strategic bombers": {"001:p10": 2},
    "America First uncertainty pushes Seoul and Tokyo together": {"001:p2": 2, "001:p4": 2, "001:p1": 1, "001:p5": 1},
    "Japan becoming a military power by revising its peace constitution": {"003:p6": 2, "003:p8": 2},
    "lowering US expectations about the pace of cooperation": {"003:p9": 2},
}

# Held out: 15 more needs (keyword queries, paraphrases, questions) written blind, from the passages alone, by a
# reader who never ran a search. Reported, not tuned on: weights are chosen on the original queries and Cranfield's
# odd half (docs/ranking.md).
HELDOUT_JUDGMENTS: dict[str, dict[str, int]] = {
    # keyword queries
    "CPTPP free trade talks Alaska natural gas investment": {
        "001:p6": 2,
        "001:p1": 1,
    },
    "US-Japan defense guidelines interim report": {
        "002:p1": 2,
        "002:p2": 2,
        "002:p9": 2,
        "002:p10": 1,
    },
    "NATO summit trilateral engagement leaders remarks": {
        "003:p5": 2,
        "003:p6": 2,
    },
    "Camp David summit trilateral military ties": {
        "004:p1": 2,
        "004:p3": 2,
        "004:p8": 1,
    },
    "Biden Kishida April summit military command upgrade": {
        "000:p1": 2,
        "000:p2": 1,
    },
    # paraphrases
    "Washington rallying partners to defend a rules-based world order against revisionist powers": {
        "003:p1": 2,
        "003:p2": 1,
    },
    "allies can no longer count on American protection and must build their own defenses": {
        "001:p1": 2,
        "001:p7": 2,
        "001:p2": 1,
        "001:p8": 1,
    },
    "Pyongyang's fear of being toppled drives its weapons buildup": {
        "004:p5": 2,
        "004:p6": 1,
    },
    "cutting Beijing off from advanced tech without crippling its economy": {
        "004:p15": 2,
        "004:p14": 1,
    },
    "making the three-way partnership durable with popular backing in both countries": {
        "004:p17": 2,
        "004:p16": 1,
    },
    "enlisting Korean and Japanese armed forces for US missions far beyond their home region": {
        "003:p3": 2,
        "003:p4": 2,
        "003:p2": 1,
        "001:p11": 1,
    },
    # questions
    "Could a second Trump term cut Seoul out of nuclear negotiations with North Korea?": {
        "000:p3": 2,
        "000:p4": 1,
    },
    "Will South Korea be forced to choose between the US and China?": {
        "002:p1": 2,
        "001:p11": 2,
        "002:p7": 1,
        "001:p9": 1,
        "000:p1": 1,
    },
    "How could deeper military cooperation with the US and Japan affect Seoul's relations with Pyongyang?": {
        "002:p8": 2,
        "002:p1": 1,
        "004:p1": 1,
    },
    "How long has military cooperation between South Korea, the US and Japan been building?": {
        "002:p3": 2,
        "002:p4": 1,
        "003:p2": 1,
        "000:p2": 1,
    },
}

# Briefs: for each topic, the seed sentences that are about it (each given by its first words, which are
# unique in the seeds). A brief sentence not listed for its topic is off-topic.
BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "defense cost sharing": [
        "ROK media reported in 2020 that approximately",
        "This expenditure contradicted the Special Measures Agreement",
        "The misallocation sparked debate about the transparency",
        "Further misuse of defense funds",
        "President Trump’s “America First” approach treats security commitments",
        "However, this strategy comes with financial and political risks.",
        "This approach, as suggested by Ban Kil-joo",
    ],
    "security dilemma": [
        "Policymakers in the three capitals may believe",
        "The evolving Japan-U.S.-South Korea trilateral partnership might pose",
        "Insecurity about regime survival plays a decisive role",
        "An effective strategy to deal with North Korea",
        "Unfortunately, the current trilateral approach appears likely to exacerbate",
        "In seeking to deter North Korea, Washington, Seoul",
        "Emphasizing offensive military functions can indeed bolster",
        "Such a response, however, may exceed the basic requirements",
    ],
    "THAAD": [
        "Importantly, if South Korea joins the US missile defense system",
        "Indeed, the South Korean Defense Ministry has been taking a positive stance",
        "“If South Korea joins the US missile defense system by bringing THAAD",
    ],
    "comfort women": [
        "As American-backed security cooperation plays a greater role",
        "It is not possible to elevate bilateral relations",
    ],
    "intelligence sharing": [
        "First of all, the interim report states",
        "This suggests that efforts to pass a trilateral military information protection act",
        "After the meeting, they said that they had reconfirmed the importance of sharing intelligence",
        "When asked about the intelligence sharing MOU",
        "In addition, Kim Kwan-jin, then South Korean Defense Minister",
    ],
    "Camp David": [
        "Driven by their common perception that North Korea and China",
        "They have been demonstrating this commitment everyday since",
        "Since the Camp David summit, Washington, Seoul, and Tokyo",
    ],
    "Taiwan contingency": [
        "U.S. policymakers may be tempted to involve Japan and South Korea in joint combat",
        "They should also pursue a defensive-denial approach to Taiwan contingency planning",
        "To decrease the risk of conflict over Taiwan",
        "The Trump administration is signaling a desire to shift the focus of USFK",
        "South Korea is understandably hesitant to commit to intervening in a Taiwan Strait conflict",
        "It is a completely different matter for South Korea",
    ],
    "USFK": [
        "Perhaps the most significant concern is the potential reshaping",
        "The Trump administration is signaling a desire to shift the focus of USFK",
        "This would likely involve reducing the conventional forces",
        "Experts warn that this shift could leave Seoul",
        "To mitigate these risks, South Korea should seek firm U.S. commitments",
        "Increased airpower and the deployment of strategic assets",
        "Just as the nature and goal of U.S. Forces Korea",
        "This expenditure contradicted the Special Measures Agreement",
        "President Trump’s “America First” approach treats security commitments",
    ],
    "forced labor compensation": [
        "It is not possible to elevate bilateral relations",
        "It is for this reason that a public-private consultative body was formed",
        "However, this requires a sophisticated process and domestic support.",
        "A hasty effort at resolving this could create a political crisis",
    ],
    "One China policy": [
        "In terms of reassuring China on the Taiwan issue",
        "The ostensible U.S., Japanese, and South Korean reluctance",
        "Such an interpretation of the trilateral partnership’s intent",
    ],
    "North Korea Russia cooperation": [
        "And a growing alignment between North Korea and Russia.",
        "The growing cooperation between North Korea and Russia",
        "With both nations seeking to evade sanctions",
        "This partnership complicates U.S.-led denuclearization efforts",
        "The three countries should also be alert to the possibility",
        "China has so far maintained a relative distance",
        "Russia reportedly proposed China trilateral naval drills",
        "The fact that such drills have not yet taken place",
        "Indeed, China has an interest in constructive engagement",
        "The increasing cooperation of the US and Japan could serve to strengthen ties",
    ],
    "China economic coercion": [
        "With that in mind, Washington, Tokyo, and Seoul should tread carefully",
        "U.S.-led “de-risking” risks going beyond",
        "Even while working together to tackle genuine economic challenges",
        "The recent call between President Biden and Xi Jinping",
    ],
    "Kishida military power": [
        "Japanese Prime Minister Kishida Fumio’s remarks revealed",
        "Moreover, even if South Korea puts the fire out",
    ],
    "regime survival": [
        "Insecurity about regime survival plays a decisive role",
        "An effective strategy to deal with North Korea",
        "Emphasizing offensive military functions can indeed bolster",
        "Unfortunately, the current trilateral approach appears likely to exacerbate",
    ],
}

# Two more sets of brief topics, each written blind (from the seeds alone, by a reader who never saw a brief,
# judging strictly: a sentence counts when it carries the topic itself). The first was then used to find two
# failure modes (neighbours sharing one word, stand-ins for topics nothing covers: docs/ranking.md), so it is
# no longer untouched; the second was never used for a change and is reported as held out.
BLIND_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "US-Japan alliance upgrade": [
        "U.S. President Joe Biden and Japanese Prime Minister Fumio Kishida",
        "But now Washington and Tokyo’s reported plans to enhance",
        "The Yoon administration has not publicly commented on the",
        "The interim report on revising the US and Japan’s",
        "First of all, the interim report states that",
        "The interim report also states that “the revised Guidelines",
    ],
    "joint military exercises": [
        "U.S. President Joe Biden and Japanese Prime Minister Fumio Kishida",
        "To counteract perceptions of reduced importance, South Korea will",
        "The U.S. wants military and security cooperation among",
        "Since the Camp David summit, Washington, Seoul, and Tokyo",
        "As Pyongyang continues to make progress in its nuclear",
        "Russia reportedly proposed China trilateral naval drills with",
        "The fact that such drills have not yet taken",
    ],
    "Korea-Japan historical disputes": [
        "Historically, the U.S.-ROK alliance has been a cornerstone",
        "Historically fraught with tension stemming from Japan’s colonial past",
        "As Yukiko Fukagawa, a professor at Japan’s Waseda University",
        "Now, facing shared challenges from China and North Korea",
        "As American-backed security cooperation plays a greater role",
        "It is not possible to elevate bilateral relations to",
        "It is for this reason that a public-private consultative",
        "But what would happen if South Korean voters, in",
    ],
    "Trump's America First approach": [
        "The implications of this could be even more severe",
        "Further misuse of defense funds for purposes outside the",
        "These aren’t distant threats; they’re the immediate pressures",
        "It’s the fundamental shift in how the U.S. views",
        "President Trump’s “America First” approach treats security commitments",
        "As Victor Cha, the Korea chair at the Center",
        "Driven by the “Trump risk,” as analyst Choi Eunmi",
        "Furthermore, a trilateral scheme involving investment in U.S. energy",
        "The Trump administration is signaling a desire to shift",
    ],
    "South Korea sidelined": [
        "The move is a positive sign for South Korea",
        "While Seoul could respond by doubling down on trilateral",
        "But now Washington and Tokyo’s reported plans to enhance",
        "The implications of this could be even more severe",
        "To counteract perceptions of reduced importance, South Korea will",
        "“This means that, if a crisis occurs on the",
    ],
    "trade and tariff pressure": [
        "Over $350 billion in pledged investments.",
        "The core issue isn’t simply tariffs, though those are",
        "As Victor Cha, the Korea chair at the Center",
        "South Korea, with one of the largest trade surpluses",
        "Furthermore, a trilateral scheme involving investment in U.S. energy",
    ],
    "self-reliant defense posture": [
        "The era of relying on a consistent U.S. security",
        "This has created a palpable sense of uncertainty, prompting",
        "This evolving threat necessitates a more robust and independent",
        "While maintaining the U.S. alliance remains crucial, relying solely",
        "This would likely involve reducing the conventional forces dedicated",
    ],
    "reassuring China": [
        "While the unambiguous trilateral opposition to unification by force",
        "In terms of reassuring China on the Taiwan issue",
        "The ostensible U.S., Japanese, and South Korean reluctance to",
        "To decrease the risk of conflict over Taiwan, we",
        "Even while working together to tackle genuine economic challenges",
    ],
    "US global strategy": [
        "A potential shift in U.S. military strategy focused on China.",
        "At a time of growing strategic competition between the",
        "The logic is that protecting the current international order",
        "Cooperation between South Korea, the U.S. and Japan, which",
        "However, the kind of security cooperation between the three",
        "The United States wants to utilize the military capabilities",
        "Just as the nature and goal of U.S.",
    ],
    "entrapment in US-China rivalry": [
        "While Seoul could respond by doubling down on trilateral",
        "South Korea is understandably hesitant to commit to intervening",
        "South Korea must clearly articulate its role in regional",
        "There is a good chance that South Korea will",
        "Experts are concerned that strengthening military cooperation between South",
        "“As activity increases in the US-Japan alliance and as",
        "“If South Korea joins the US missile defense system",
        "It is a completely different matter for South Korea",
        "U.S. policymakers may be tempted to involve Japan and",
    ],
}

HELDOUT_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "One China policy": [
        "While the unambiguous trilateral opposition to unification by",
        "In terms of reassuring China on the Taiwan",
        "The ostensible U.S., Japanese, and South Korean reluctance",
        "Such an interpretation of the trilateral partnership’s intent",
    ],
    "China-Russia-North Korea alignment": [
        "The increasing cooperation of the US and Japan",
        "As North Korea’s strategic value increases, its relations",
        "The three countries should also be alert to",
        "China has so far maintained a relative distance",
        "Russia reportedly proposed China trilateral naval drills with",
        "The fact that such drills have not yet",
        "Indeed, China has an interest in constructive engagement",
        "However, its calculation may change if it comes",
    ],
    "Yoon Suk-yeol": [
        "The Yoon administration has not publicly commented on",
        "Since Yoon Suk-yeol took office, whose administration is",
        "On the other hand, President Suk-yeol’s remarks focused",
        "The Suk-yeol administration is rushing to improve Korea-Japan",
        "A hasty effort at resolving this could create",
        "Driven by their common perception that North Korea",
        "U.S. policymakers should also keep in mind that",
    ],
    "North Korean nuclear threat": [
        "This partnership complicates U.S.-led denuclearization efforts and raises",
        "Experts warn that this shift could leave Seoul",
        "After the meeting, they said that they had",
        "When talking about security cooperation between South Korea,",
        "It is a completely different matter for South",
        "On the other hand, President Suk-yeol’s remarks focused",
        "In recent years, North Korea has steadily expanded",
        "Insecurity about regime survival plays a decisive role",
        "Emphasizing offensive military functions can indeed bolster deterrence",
        "As Pyongyang continues to make progress in its",
    ],
    "Korea-Japan economic cooperation": [
        "The potential for economic cooperation is a key",
        "Discussions are underway regarding restarting free trade talks",
        "Furthermore, a trilateral scheme involving investment in U.S. energy",
        "This approach, as suggested by Ban Kil-joo of",
    ],
    "leadership change risk": [
        "The implications of this could be even more",
        "The Yoon administration has not publicly commented on",
        "U.S. policymakers should also keep in mind that",
        "But what would happen if South Korean voters,",
        "In such a case, trilateral cooperation centered on",
    ],
    "offensive military posture": [
        "In seeking to deter North Korea, Washington, Seoul,",
        "Emphasizing offensive military functions can indeed bolster deterrence",
        "As Pyongyang continues to make progress in its",
        "Such a response, however, may exceed the basic",
    ],
    "technology de-risking": [
        "The recent call between President Biden and Xi",
        "With that in mind, Washington, Tokyo, and Seoul",
        "U.S.-led “de-risking” risks going beyond simply seeking to",
        "Even while working together to tackle genuine economic",
    ],
    "Shangri-La Dialogue": [
        "In addition, Kim Kwan-jin, then South Korean Defense",
        "After the meeting, they said that they had",
    ],
    "NATO summit": [
        "It took less than two months for the",
        "The Korea-U.S.-Japan summit, held on the occasion of",
        "President Biden emphasized cooperation for the common goal",
        "In particular, Biden drew attention by using the",
        "We can infer that he has already conceived",
        "On the other hand, President Suk-yeol’s remarks focused",
        "Japanese Prime Minister Kishida Fumio’s remarks revealed his",
    ],
}

# A third blind set, written like the others after the rule on continuations that move on (docs/ranking.md) and
# never used for a change: four topics on multi-word concepts, three on names, three in words the seeds do not use.
LATER_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "pace of trilateral cooperation": [
        "In fact, military cooperation between South Korea, the US",
        "This suggests that efforts to pass a trilateral military",
        "Since Yoon Suk-yeol took office, whose administration is",
        "Since then, South Korea, the United States and Japan",
        "It took less than two months for the leaders",
        "The Suk-yeol administration is rushing to improve Korea-Japan relations",
        "Military cooperation between South Korea, the U.S., and Japan not",
        "Rather than overdoing it to keep pace with the",
    ],
    "escalation risk": [
        "This partnership complicates U.S.-led denuclearization efforts and raises",
        "The interim report on revising the US and Japan’s",
        "Such a response, however, may exceed the basic requirements",
        "U.S. policymakers may be tempted to involve Japan and",
        "To decrease the risk of conflict over Taiwan, we",
        "For the trilateral partnership to be more sustainable and",
    ],
    "formal trilateral military alliance": [
        "“As activity increases in the US-Japan alliance and",
        "Importantly, if South Korea joins the US missile defense",
        "The U.S. wants military and security cooperation among",
        "We can infer that he has already conceived",
    ],
    "South Korea-Japan bilateral military cooperation": [
        "In recent years, South Korea has made strides in",
        "It also means that the mutual acquisition support agreement",
        "Importantly, if South Korea joins the US missile defense",
        "It is not possible to elevate bilateral relations to",
        "Moreover, even if South Korea puts the fire out,",
    ],
    "revised US-Japan defense guidelines": [
        "The interim report on revising the US and Japan’s",
        "There is a good chance that South Korea will",
        "First of all, the interim report states that",
        "The interim report also states that “the revised Guidelines",
    ],
    "Quincy Institute report": [
        "In a new Quincy Institute report, Mike Mochizuki",
        "In our report, we offer alternative suggestions to",
        "They should also pursue a defensive-denial approach to Taiwan",
        "We offer several ways to do this in",
    ],
    "Lee Jae Myung": [
        "President Lee Jae Myung’s recent visit to Japan",
        "Navigating this delicate balance will be a central challenge",
    ],
    "Seoul-Tokyo rapprochement": [
        "In recent years, South Korea has made strides in",
        "Historically fraught with tension stemming from Japan’s colonial past,",
        "President Lee Jae Myung’s recent visit to Japan",
        "Driven by the “Trump risk,” as analyst Choi Eunmi",
        "Now, facing shared challenges from China and North Korea,",
        "The Suk-yeol administration is rushing to improve Korea-Japan relations",
        "It is not possible to elevate bilateral relations to",
    ],
    "divergent strategic agendas of the three partners": [
        "Cooperation among Korea, the U.S. and Japan may be",
        "However, the kind of security cooperation between the three",
        "It is a completely different matter for South Korea,",
        "The Korea-U.S.-Japan summit, held on the occasion of",
        "On the other hand, President Suk-yeol’s remarks focused",
        "It is not only the mismatch of perceptions among",
    ],
    "rules-based world order": [
        "The logic is that protecting the current international order",
        "Biden, who visited South Korea 10 days after the",
    ],
}

# Fresh blind sets: 15 search needs (5 keyword queries, 5 paraphrases, 5 questions) and 12 brief
# topics, written and graded from the passages alone by a reader who never saw a search, a brief or the code, and
# told only which topics were judged already (two keyword queries that repeated original ones were replaced by
# two more, judged the same way). Written after the held-out sets above had been read query by query,
# so these are now the untouched ones: reported, never used for a change.
FRESH_JUDGMENTS: dict[str, dict[str, int]] = {
    "Seoul sidelined by Washington": {"000:p1": 2, "000:p2": 2, "000:p3": 2, "000:p4": 1, "002:p10": 1},
    "Japan military normalization": {"003:p6": 2, "003:p8": 1, "002:p9": 1, "004:p6": 1},
    "comfort women Dokdo": {"003:p7": 2, "002:p8": 1, "000:p2": 1},
    "North Korea regime survival": {"004:p5": 2, "004:p6": 2, "004:p7": 1},
    "China de-risking coordination": {"004:p15": 2, "004:p14": 1},
    "fear Seoul gets downgraded in Washington's eyes as Tokyo gains favor": {
        "000:p1": 2,
        "000:p2": 2,
        "000:p4": 2,
        "000:p3": 1,
    },
    "Seoul and Tokyo becoming less dependent on Washington's protective guarantee": {
        "001:p1": 2,
        "001:p7": 2,
        "001:p2": 1,
        "001:p4": 1,
        "001:p8": 1,
    },
    "calming Beijing's fears of encirclement by the three allies": {
        "004:p8": 2,
        "004:p12": 2,
        "004:p15": 2,
        "004:p9": 1,
        "004:p10": 1,
        "004:p17": 1,
    },
    "durability of the three-way partnership if a progressive government takes power in Seoul": {
        "004:p16": 2,
        "004:p17": 1,
    },
    "Seoul left out of consultations over a peninsula emergency": {"002:p10": 2, "002:p9": 1, "000:p3": 1},
    "Why does Washington want South Korean and Japanese forces to play roles beyond the Korean Peninsula?": {
        "003:p3": 2,
        "003:p4": 2,
        "003:p1": 1,
        "003:p2": 1,
        "001:p8": 1,
    },
    "What has pushed Seoul and Tokyo to set aside their differences recently?": {
        "001:p4": 2,
        "001:p5": 2,
        "003:p8": 1,
        "000:p2": 1,
        "001:p7": 1,
    },
    "How could a joint energy investment help South Korea and Japan handle Trump's demands?": {
        "001:p6": 2,
        "001:p1": 1,
    },
    "How do the US, South Korea and Japan differ in what they want from trilateral cooperation?": {
        "003:p3": 2,
        "003:p5": 2,
        "003:p6": 2,
        "003:p7": 1,
    },
    "Will closer military ties with the US and Japan hurt South Korea's relations with China?": {
        "002:p1": 2,
        "002:p6": 2,
        "002:p7": 2,
        "000:p1": 1,
        "001:p9": 1,
        "001:p11": 1,
    },
}

FRESH_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "Taiwan unification by force": [
        "In light of Taiwan’s deepening resistance to the idea of",
        "Regarding the Taiwan issue, Washington, Tokyo, and Seoul have now",
        "While the unambiguous trilateral opposition to unification by force can",
    ],
    "Korea-Japan historical disputes": [
        "Historically, the U.S.-ROK alliance has been a cornerstone of South",
        "Historically fraught with tension stemming from Japan’s colonial past, the",
        "As Yukiko Fukagawa, a professor at Japan’s Waseda University, explains,",
        "As American-backed security cooperation plays a greater role in South",
        "It is not possible to elevate bilateral relations to a",
        "It is for this reason that a public-private consultative body",
    ],
    "Seoul–Beijing relations": [
        "There is a good chance that South Korea will face",
        "Experts are concerned that strengthening military cooperation between South Korea,",
        "“If South Korea joins the US missile defense system by",
        "South Korea is understandably hesitant to commit to intervening in",
        "South Korea must clearly articulate its role in regional security,",
    ],
    "economic de-risking": [
        "With that in mind, Washington, Tokyo, and Seoul should tread",
        "U.S.-led “de-risking” risks going beyond simply seeking to reduce Chinese",
        "Even while working together to tackle genuine economic challenges posed",
        "The recent call between President Biden and Xi Jinping suggested",
    ],
    "Japanese rearmament": [
        "Japanese Prime Minister Kishida Fumio’s remarks revealed his intention to",
        "Moreover, even if South Korea puts the fire out, it",
    ],
    "South Korea's marginalization": [
        "The move is a positive sign for South Korea insofar",
        "While Seoul could respond by doubling down on trilateral cooperation",
        "But now Washington and Tokyo’s reported plans to enhance their",
        "The implications of this could be even more severe if",
        "To counteract perceptions of reduced importance, South Korea will likely",
        # judged: its second sentence, "It needs to be specifically stated that South Korea will…", which the
        # sentence splitter keeps inside this quotation
        "“This means that, if a crisis occurs on the",
    ],
    "strategic self-reliance": [
        "The era of relying on a consistent U.S. security umbrella",
        "This evolving threat necessitates a more robust and independent security",
        "While maintaining the U.S. alliance remains crucial, relying solely on",
        "This would likely involve reducing the conventional forces dedicated to",
    ],
    "offensive deterrence posture": [
        "In seeking to deter North Korea, Washington, Seoul, and increasingly",
        "Emphasizing offensive military functions can indeed bolster deterrence in many",
        "As Pyongyang continues to make progress in its nuclear and",
    ],
    "US global strategy": [
        "At a time of growing strategic competition between the U.S.",
        "Cooperation between South Korea, the U.S. and Japan, which the",
        "However, the kind of security cooperation between the three countries",
        "The United States wants to utilize the military capabilities of",
        "Just as the nature and goal of U.S. Forces Korea",
    ],
    "military logistics cooperation": [
        "First of all, the interim report states that “the two",
        "It also means that the mutual acquisition support agreement between",
    ],
    "North Korea's nuclear buildup": [
        "In recent years, North Korea has steadily expanded its nuclear",
        "As Pyongyang continues to make progress in its nuclear and",
        "Insecurity about regime survival plays a decisive role in North",
        "Emphasizing offensive military functions can indeed bolster deterrence in many",
    ],
    "Philippines": [],
}


# Untouched blind sets: 15 search needs (5 keyword queries, 5 paraphrases, 5 questions) and 12 brief topics (one,
# with no on-topic sentence), written and graded the same way as the fresh ones, from the passages alone by a
# reader who never saw a search, a brief or the code, told only which needs were judged already. Written after
# the fresh sets' results had been read query by query: only these sets' means have been looked at. Reported,
# never used for a change.
UNTOUCHED_JUDGMENTS: dict[str, dict[str, int]] = {
    # --- short keyword queries ---
    "anti-China coalition": {
        "002:p7": 2,
        "004:p10": 2,
        "004:p13": 2,
        "000:p1": 1,
        "001:p2": 1,
        "002:p1": 1,
        "002:p8": 1,
        "003:p1": 1,
        "003:p4": 1,
        "004:p1": 1,
        "004:p3": 1,
        "004:p14": 1,
        "004:p15": 1,
    },
    "Ukraine war spillover": {
        "001:p7": 2,
        "004:p13": 2,
        "003:p1": 1,
    },
    "denuclearization talks": {
        "000:p3": 2,
        "001:p7": 1,
    },
    "South China Sea": {
        "003:p4": 2,
    },
    "Lee Trump summit": {
        "001:p9": 2,
        "001:p2": 1,
        "001:p3": 1,
        "001:p6": 1,
        "001:p8": 1,
        "001:p10": 1,
        "001:p11": 1,
    },
    # --- paraphrased needs (vocabulary mostly absent from the passages) ---
    "Seoul hedging before a possible change of occupant in the White House": {
        "000:p3": 2,
        "000:p4": 2,
        "000:p6": 1,
        "001:p2": 1,
    },
    "Tokyo's postwar limits on sending forces to defend partners being loosened": {
        "002:p9": 2,
        "002:p10": 1,
        "003:p6": 1,
        "003:p8": 1,
    },
    "Biden-era Washington's campaign to bind its two Northeast Asian treaty partners together": {
        "003:p2": 2,
        "003:p5": 2,
        "003:p1": 1,
        "003:p3": 1,
        "003:p6": 1,
        "003:p8": 1,
        "003:p9": 1,
        "004:p1": 1,
    },
    "non-provocative repel-the-invader military doctrine instead of punishing strikes": {
        "004:p12": 2,
        "004:p6": 2,
        "004:p4": 1,
        "004:p7": 1,
        "004:p11": 1,
    },
    "Korean wartime memory issues shelved for the sake of defense ties": {
        "002:p8": 2,
        "001:p5": 2,
        "003:p7": 2,
        "003:p8": 2,
        "000:p2": 1,
        "001:p4": 1,
        "004:p16": 1,
    },
    # --- natural-language questions ---
    "Why is South Korea wary of committing forces if fighting breaks out over Taiwan?": {
        "001:p9": 2,
        "001:p8": 1,
        "001:p11": 1,
        "003:p4": 1,
        "004:p11": 1,
    },
    "Apart from Taiwan, what does Beijing see as the most likely source of conflict with Washington?": {
        "004:p14": 2,
        "004:p15": 1,
    },
    "Why might a Seoul government that rushes a deal with Tokyo face trouble at home?": {
        "003:p8": 2,
        "000:p4": 1,
        "003:p7": 1,
        "004:p16": 1,
        "004:p17": 1,
    },
    "Should the three partners make easing tensions the main goal of their cooperation?": {
        "004:p17": 2,
        "004:p12": 2,
        "004:p1": 1,
        "004:p4": 1,
        "004:p5": 1,
        "004:p7": 1,
        "004:p8": 1,
        "004:p15": 1,
    },
    "What assurances should Seoul seek if American forces in Korea are given a broader regional mission?": {
        "001:p10": 2,
        "001:p8": 1,
        "001:p9": 1,
        "001:p11": 1,
        "003:p4": 1,
    },
}

UNTOUCHED_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "Ukraine war fallout": [
        "With both nations seeking to evade sanctions and break isolation",
        "At a time of growing strategic competition between the U.S.",
        "China has so far maintained a relative distance from the",
    ],
    "China's core interests": [
        "In light of Taiwan’s deepening resistance to the idea of eventual",
        "However, its calculation may change if it comes to believe",
        "The recent call between President Biden and Xi Jinping suggested",
    ],
    "containing China": [
        "U.S. President Joe Biden and Japanese Prime Minister Fumio Kishida",
        "President Trump’s “America First” approach treats security commitments as transactional",
        "“As activity increases in the US-Japan alliance and as",
        "Just as the nature and goal of U.S. Forces Korea",
        "The ostensible U.S., Japanese, and South Korean reluctance to reaffirm",
        "Such an interpretation of the trilateral partnership’s intent will likely be",
        "The three countries should also be alert to the possibility",
        "U.S.-led “de-risking” risks going beyond simply seeking to reduce",
        "Even while working together to tackle genuine economic challenges posed by",
    ],
    "denuclearization diplomacy": [
        "The implications of this could be even more severe if",
        "This partnership complicates U.S.-led denuclearization efforts and raises concerns",
    ],
    "energy security": [
        "Furthermore, a trilateral scheme involving investment in U.S. energy production",
    ],
    "Biden's trilateral push": [
        "Cooperation between South Korea, the U.S. and Japan, which the",
        "Since Yoon Suk-yeol took office, whose administration is very friendly",
        "Biden, who visited South Korea 10 days after the Suk-yeol’s inauguration",
        "Since then, South Korea, the United States and Japan have proceeded",
        "It took less than two months for the leaders of the",
        "The U.S. wants military and security cooperation among South Korea, the",
        "However, the kind of security cooperation between the three countries that",
        "The United States wants to utilize the military capabilities of South",
        "The Korea-U.S.-Japan summit, held on the occasion of the NATO",
        "President Biden emphasized cooperation for the common goal of the three",
        "In particular, Biden drew attention by using the expression",
        "We can infer that he has already conceived of a Korea-U.S.-Japan",
        "Driven by their common perception that North Korea and China posed",
    ],
    "US presidential election": [
        "The implications of this could be even more severe if",
        "The Yoon administration has not publicly commented on the upcoming U.S.",
        "Further misuse of defense funds for purposes outside the agreed parameters",
    ],
    "Japan's collective self-defense": [
        "The interim report also states that “the revised Guidelines will detail",
        "For South Korea, this is a worrisome passage.",
        # both of this quotation's sentences were judged; the sentence splitter keeps them as one
        "“This means that, if a crisis occurs on the Korean peninsula",
    ],
    "South China Sea": [
        "It is a completely different matter for South Korea, the",
    ],
    "defensive denial strategy": [
        "They should also pursue a defensive-denial approach to Taiwan contingency planning",
        "Emphasizing offensive military functions can indeed bolster deterrence in many circumstances",
    ],
    "Yoon government domestic risks": [
        "However, this strategy comes with financial and political risks.",
        "However, this requires a sophisticated process and domestic support.",
        "A hasty effort at resolving this could create a political crisis",
    ],
    "South Korean nuclear armament": [],
}

# People: 7 brief topics that are people's names, written and judged blind like the sets above, from the passages
# alone, by a reader told that a person named by part of their name ("President Yoon", "Biden") counts as named.
# Written to check the rule on short names (search/names.py); its means were read first, then its briefs topic by
# topic, which is how the rule came to read a surname across all the passages a brief reads ("Donald Trump"),
# so it is not untouched: docs/ranking.md.
PEOPLE_BRIEF_JUDGMENTS: dict[str, list[str]] = {
    "Joe Biden": [
        "U.S. President Joe Biden and Japanese Prime Minister Fumio Kishida are",
        "Cooperation between South Korea, the U.S. and Japan, which the United",
        "Biden, who visited South Korea 10 days after the Suk-yeol’s inauguration,",
        "President Biden emphasized cooperation for the common goal of the three",
        "In particular, Biden drew attention by using the expression “trilateral engagement”.",
        "We can infer that he has already conceived of a Korea-U.S.-Japan",
        "Driven by their common perception that North Korea and China posed",
        "The recent call between President Biden and Xi Jinping suggested that",
    ],
    "Fumio Kishida": [
        "U.S. President Joe Biden and Japanese Prime Minister Fumio Kishida are",
        "Japanese Prime Minister Kishida Fumio’s remarks revealed his intention to use",
        "Driven by their common perception that North Korea and China posed",
    ],
    "Donald Trump": [
        "The implications of this could be even more severe if there is",
        "The Yoon administration has not publicly commented on the upcoming",
        "Further misuse of defense funds for purposes outside the agreed parameters,",
        "The core issue isn’t simply tariffs, though those are significant.",
        "It’s the fundamental shift in how the U.S. views its alliances.",
        "President Trump’s “America First” approach treats security commitments as transactional",
        "This has created a palpable sense of uncertainty, prompting South Korea",
        "As Victor Cha, the Korea chair at the Center for Strategic",
        "South Korea, with one of the largest trade surpluses with the",
        "Driven by the “Trump risk,” as analyst Choi Eunmi of South Korea’s",
        "Furthermore, a trilateral scheme involving investment in U.S. energy production",
        "The Trump administration is signaling a desire to shift the focus",
        "This would likely involve reducing the conventional forces dedicated to the",
        "Navigating this delicate balance will be a central challenge for President",
    ],
    "Xi Jinping": [
        "The recent call between President Biden and Xi Jinping suggested that",
    ],
    "Victor Cha": [
        "As Victor Cha, the Korea chair at the Center for Strategic",
    ],
    "Kim Kwan-jin": [
        "In addition, Kim Kwan-jin, then South Korean Defense Minister; Chuck Hagel,",
        "After the meeting, they said that they had reconfirmed the importance",
    ],
    "Yukiko Fukagawa": [
        "As Yukiko Fukagawa, a professor at Japan’s Waseda University, explains,",
    ],
}
