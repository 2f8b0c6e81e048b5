"""Graded relevance judgments over the seed passages, written from the passages' content.

2 = the passage answers the information need; 1 = it bears on it in part. Unlisted passages count as 0.
Passage ids abbreviate the seed file: "002:p6" is "002_ec1278886a36e2bd:p6".
"""

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
