"""Graded relevance judgments over the paragraphs of the Korean and Japanese test articles (tests/fixtures/cjk),
written from the paragraphs' content before any analyzer was measured on them. Queries use other inflected
forms, particles and word orders than the text.

2 = the paragraph answers the information need; 1 = it bears on it in part. Unlisted paragraphs count as 0.
"ja_launch:2" is the second paragraph after the title of ja_launch.txt.
"""

JAPANESE: dict[str, dict[str, int]] = {
    "ミサイル警戒情報を共有する": {"ja_missile_data:1": 2, "ja_launch:4": 2},
    "北朝鮮がミサイルを発射した": {"ja_launch:1": 2, "ja_missile_data:1": 1, "ja_launch:4": 1},
    "統合作戦司令部": {"ja_command:1": 2, "ja_command:2": 1},
    "指揮統制の強化": {"ja_command:2": 2, "ja_command:3": 1},
    "横田基地に置かれる司令部": {"ja_command:2": 2},
    "共同訓練を定例化": {"ja_missile_data:2": 2},
    "ロシアとの軍事協力": {"ja_missile_data:2": 2},
    "中国が批判": {"ja_missile_data:3": 2, "ja_thaad:2": 2},
    "排他的経済水域に落下": {"ja_launch:1": 2},
    "首相が北朝鮮に抗議": {"ja_launch:3": 2},
    "官邸対策室を設置": {"ja_launch:2": 2},
    "シャトル外交": {"ja_summit:1": 2},
    "徴用工問題の解決策": {"ja_summit:2": 2},
    "半導体の供給網": {"ja_summit:3": 2},
    "迎撃ミサイルを交換": {"ja_thaad:1": 2},
    "THAADの配備に反対": {"ja_thaad:2": 2, "ja_thaad:1": 1, "ja_thaad:3": 1},
    "台湾有事": {"ja_command:3": 2},
    "安保理決議に違反": {"ja_launch:3": 2},
}

KOREAN: dict[str, dict[str, int]] = {
    "사드를 배치": {"ko_thaad:3": 2, "ko_thaad:1": 1, "ko_thaad:2": 1},
    "요격미사일을 교체했다": {"ko_thaad:1": 2},
    "환경영향평가가 지연": {"ko_thaad:2": 2},
    "경보정보를 공유하는": {"ko_trilateral:1": 2, "ko_thaad:4": 1, "ko_trilateral:2": 1},
    "연합훈련을 정례화": {"ko_trilateral:3": 2},
    "북한의 비난": {"ko_trilateral:4": 2},
    "방위비 분담금은": {"ko_cost_sharing:1": 2, "ko_cost_sharing:4": 1},
    "물가에 연동된 인상률": {"ko_cost_sharing:2": 2},
    "대선을 앞두고": {"ko_cost_sharing:3": 2},
    "국회의 감독": {"ko_cost_sharing:4": 2},
    "중국의 반발": {"ko_thaad:3": 2},
    "탄착 지점을": {"ko_trilateral:2": 2},
}
