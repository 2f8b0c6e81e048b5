"""``python -m bench people``: briefs about people, on a collection nobody tuned on.

The library is built from the hand-marked article bodies of the extraction benchmark
(``../shared/data/extraction``, 181 real news and blog pages; those with fewer than 50 words are left out). Ten
people named in them were chosen, and every sentence about each one judged, by a reader who worked from the
article texts alone and never saw a brief (``JUDGMENTS``; a sentence naming the person only by part of the
name, or by a pronoun, counts; one that only mentions them in passing does not). Reported per person: the
sentences ``Library.brief`` quotes and how many of them are judged about the person.

    python -m bench people
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.headlines import DATA, MIN_WORDS
from search import Library
from search.brief import DEFAULT_SENTENCES

JUDGMENTS: dict[str, list[str]] = {
    "Tim Cook": [
        'Apple was "pulled into the enterprise," CEO Tim Cook said Tuesday',
        "After the first iPhones shipped, people began using them for business,",
        'Customers "began to say we want you to do this and that," Cook',
        '"We really took that challenge to heart," he said.',
        'While some people carry two phones, and "we love you for that,"',
        "Apple is now in every Fortune 500 company, and eight out of",
        "While that progress still lags the consumer world, Cook said he's",
        'Benioff introduced Cook to the Dreamforce audience as "someone who has',
        'Hosting Cook at Dreamforce "is our dream," Benioff said.',
        "To that, Cook joked that he's not Alicia Keys, the singer",
        "Cook said the admiration is mutual.",
        "\"I love the way you're constantly taking all the new things",
        "And they both got a little choked up when considering the",
        'Cook remembered Jobs rehearsing there for one event and "going way',
        '"I can feel him and his presence when I come here," Cook said.',
        "Jobs would typically leave work before him, but always stop by",
        '"We all miss Steve so much," Benioff weighed in, telling Cook,',
        "Another is stewardship of the Earth, Cook said.",
        'Cook said Apple employs about 450 Dreamers, and he sees "first',
        'Privacy, like environmental sustainability, are not "bolt-on things," Cook said,',
    ],
    "Kristi Noem": [
        "South Dakota Gov. Kristi Noem (R) is defending the state’s launch",
        "The tagline drew a mix of criticism and ridicule across Twitter",
        "“Meth is IN SD.",
        "Noem later tweeted that the state’s meth epidemic “needs to be",
        "The governor's office didn't immediately respond to The Hill's request",
        "The governor of South Dakota would like us to know that",
        "According to a report in the Argus Leader of Sioux Falls,",
        "Noem saw the Twitter reaction and ... doubled down on the slogan.",
        "“Hey Twitter, the whole point of this ad campaign is to",
        "“So I think that’s working.”",
        "She proceeded to share the hashtag #MethWeAreOnIt and onmeth.com, the website",
        "Hey Twitter, the whole point of this ad campaign is to raise",
        "The buzz on both national news and social media focused on",
        "Noem launched the campaign to bring awareness to the meth epidemic",
        '"The mission of the campaign is to raise awareness – to',
        '"It is working."',
        'South Dakota\'s meth crisis is "growing at an alarming rate" and',
        '"This is our problem, and together, we need to get on it,"',
        'Noem called the new campaign a "bold, innovative effort like the',
        "The goal is to reach everyone in the state and educate",
        '"I am confident South Dakota can lead the country in this',
    ],
    "Mark Esper": [
        "HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday",
        "He urged Vietnam and others in the region to push back.",
        "“We will not accept attempts to assert unlawful maritime claims at",
        "“The United States firmly opposes intimidation by any claimant to assert",
        "Later, in remarks at Vietnam’s Communist Party headquarters, Esper said, “We",
        "As part of a long-term effort to forge closer relations with",
        "He said it would be provided next year, but he gave",
        "Esper met with several top government officials and paid a visit",
    ],
    "David McKinley": [
        "In October, Rep. David McKinley, R-W.Va., visited the U.S.-Mexico border near",
        "A major part of the reason that additional resources are needed,",
        'Border agents "say you’ve got to pay attention to this —',
        "It’s more complicated than McKinley suggests, but he appears to be",
        "As a result, in this fact-check, we’ll interpret McKinley’s comment to",
        "(McKinley’s office did not provide PolitiFact with further information.)",
        "That’s less than the $53 million figure McKinley cited, but it’s",
        'McKinley said that "$53 million a week is coming across the',
        "If you interpret his statement to mean how much is reaching",
        "That’s smaller than what McKinley said, but his number is a",
        "We rate the statement Mostly True.",
    ],
    "Deval Patrick": [
        "COLUMBIA, S.C. (AP) — About a dozen black female small-business owners",
        "When Patrick walked into the back of the room mid-meeting, the",
        "“Don’t mind me!”",
        "But the black former Massachusetts governor is eager to get their",
        "Launching his bid for president less than three months before the",
        "To win South Carolina, which holds the first Southern primary of",
        "“I’m running for president because those values of community, that we",
        "“I come in humbly.",
        "Arguing that voters are just now beginning to tune in, with",
        "His late entry, though, makes it that much tougher to raise",
        "This week, Patrick launched a tour of early-voting states, visiting Nevada",
        "Eyamba Sowers didn’t know Patrick was coming to Tuesday’s networking gathering",
        "The real estate agent said she related to him as someone",
        "“He has me thinking now,” said Sowers, who is also considering",
        "She said if Patrick can get his message out, he’s someone",
        "Beth Ruffin said she didn’t know much about Patrick before Tuesday’s",
        "“It sounded like strong black women raised him,” said Ruffin, who",
        "“I want to see how he translates that into policy.”",
        "That’s why former Massachusetts Gov. Deval Patrick and Bloomberg are moving",
    ],
    "Jose Mourinho": [
        "Jose Mourinho has agreed a deal to replace Mauricio Pochettino as",
        "Negotiations between the London side and Mourinho's representatives intensified over",
        "The Portuguese boss had been out of work since being sacked",
        'The 56-year-old said after his appointment: "I am excited to be',
        '"The quality in both the squad and the academy excites me.',
        'Working with these players is what has attracted me."',
        "Tottenham said in a statement: \"Jose is one of the world's",
        '"He is renowned for his tactical prowess and has managed FC',
        '"He has won a domestic title in a record four different',
        "Tottenham posted an image of Mourinho holding up a Tottenham shirt",
        "Mourinho won three Premier League titles over two spells in charge",
        "He was sacked following a poor run of results and has",
        "Mourinho, who also managed Porto, Real Madrid and Inter Milan, has",
        "His first match in charge will be away to West Ham",
    ],
    "Kevin Mayer": [
        "Walt Disney Co. executive Kevin Mayer said overwhelming demand and a",
        "“We had some issues ... we had some customer service issues",
        "It was his first public appearance since the launch.",
        "Disney’s tech teams isolated the problem, Mayer said, and “patched” the",
        "Mayer hinted that the company was pleased with Disney+ retention so",
        "“We’ve never had demand that we saw that day, and continue",
        "“We will see the industry shake out a bit,” Mayer said.",
        "“Not everyone will succeed.”",
        "Mayer said it depends on the cost of the service, but",
        "He declined to say when Disney might change its sports strategy",
        "“There will be a time ... when the pay-TV numbers are",
        "“We want to serve consumers the way they wish to be served.”",
        "Getting Disney+ right will be a key test of Mayer’s mettle.",
        "He is viewed as a potential successor to Disney Chief Executive",
        "Mayer was named chairman of Disney’s direct-to-consumer and international division in",
        "He led key acquisitions, including Marvel Entertainment, Lucasfilm and BamTech, the",
        "It’s the first time in Mayer’s career with Disney that he",
        "“Operating is a lot different than a strategy role,” Mayer said.",
        "“ I love what I’m doing.”",
    ],
    "Scooter Braun": [
        "Brace yourself, Swifties: Taylor Swift might not be able to perform",
        "The drama began earlier this year when Braun’s Ithaca Holdings purchased",
        "T-Swift took to Twitter to air her grievances with Big Machine,",
        "Taylor Swift's first six albums were released through Big Machine, which",
        "In a Tumblr post at the time she described this as",
        "Braun has worked with the likes of Kanye West and Kim",
        "He has consistently denied being unfair to her.",
        "They criticised Scooter Braun's company and the effect big businesses can",
        "Scooter Braun is allegedly unhappy with the way his business partner",
        '"Scooter is frustrated because his name is being dragged in the',
        "\"He doesn't run Big Machine or have operational control of [the]",
        "He hasn't taken part in these negotiations.\"",
        "In the midst of an ongoing public fissure between Swift and",
        '"This fight with Taylor is not something Scooter agrees with," the',
        "On Thursday, Swift took to social media and accused Braun, Borchetta",
        "A rep for Braun did not immediately respond to Fox News’ request",
    ],
    "Zach Parise": [
        "BUFFALO, N.Y. — Hours before Zach Parise’s two-goal performance Tuesday, Wild",
        "“It takes a little longer now, but he’s playing well now,",
        "“That goes a long way.”",
        "Right now, having scored four times during a three-game streak, Parise",
        "Parise’s first-period goals – he scored at 7:14 and on the",
        "For good measure, Parise blocked a shot in the waning seconds",
        "“That’s perfect,” Boudreau said.",
        "“It’s the mark of a true competitor doing things for the team.”",
        "Barely a week ago, Parise, 35, had scored just once in",
        "Wild defenseman Ryan Suter, who joked about Parise’s penchant for changing",
        "“He’s used to scoring goals, getting points,” he said.",
        "But Parise has quickly turned around a tepid start in which",
        "“You can go either way,” Parise said.",
        "“I was going the other way for a little while.",
        "But I was able to, I guess, work my way out of it.”",
        "Parise opened the scoring by stripping Sabres center Casey Mittelstadt in",
        "He tipped Suter’s shot in later, a dagger for the Sabres.",
        "“He’s starting to feel it a little bit again,” Boudreau said.",
        "“And we need those goals.”",
        "Parise said: “We’ve been there.",
        "You could tell we were maybe getting under their skin a",
        "Wild 4, Sabres 1: Zach Parise scored twice, Alex Stalock made 30",
    ],
    "LeBron James": [
        "LOS ANGELES (AP) — To LeBron James, triple-doubles are not a goal.",
        "They are only a side effect of the consistent, brilliant all-around",
        "Triple-doubles also don’t mean much to LeBron without wins attached to",
        "James became the first player in NBA history to record a",
        "James finished with 25 points, 11 rebounds and 10 assists to",
        "James was more surprised than thrilled by his latest statistical achievement,",
        "“Coach (Frank) Vogel came in here and said, 'Congratulations,' and I",
        "“I really don't know what to think about it.",
        "I just think it's a pretty cool stat to know, and",
        "James has five triple-doubles in the Lakers’ last 10 games, getting",
        "There’s a reason for this spree: Although James has constantly filled",
        "He has at least 10 assists in six consecutive games, the",
        "Vogel has put the ball in James’ hands constantly on offense,",
        "Seven of LeBron’s assists came on baskets by Davis.",
        "“Amazing,” Davis said.",
        "“To be able to do that against every team is something special.",
        "I mean, (it’s) trippy that he’s been playing for a long time,",
        "James is fifth in NBA history with 86 triple-doubles, but the",
        "Kidd, who did it against 28 teams, has served as a",
        "“He’s just playing terrific basketball,” Vogel said.",
        "“For him to be doing what he’s doing in his 17th",
        "There’s no reason to believe he can’t sustain that for the",
        "“That’s why (James) is considered probably the best of all time,",
        "James’ 3-pointer put the Lakers up 109-98 with 3:08 to play,",
        "James missed two free throws moments later to keep the Thunder",
    ],
}


def library(data: Path, directory: Path) -> Library:
    """A library of the benchmark's article bodies, one text file each, titled by the page's id."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    sources = directory / "sources"
    sources.mkdir(parents=True)
    for page_id, item in sorted(truth.items()):
        body = item["articleBody"]
        if len(body.split()) >= MIN_WORDS:
            (sources / f"{page_id[:12]}.txt").write_text(f"{page_id[:12]}\n\n{body}\n", encoding="utf-8")
    return Library(sources, directory / "data").open()


def judged(library: Library) -> dict[str, tuple[int, int]]:
    """For each judged person: (sentences quoted, of them about the person)."""
    out = {}
    for person, prefixes in JUDGMENTS.items():
        quoted = [s.text for s in library.brief(person).sentences]
        out[person] = (len(quoted), sum(any(text.startswith(p) for p in prefixes) for text in quoted))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench people", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the extraction benchmark's folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        results = judged(library(args.data, Path(directory)))
    print(f"## Briefs about {len(results)} people in {args.data.name}\n")
    print("| person | judged about them | quoted | about them |\n|---|---|---|---|")
    for person, (quoted, on) in results.items():
        print(f"| {person} | {len(JUDGMENTS[person])} | {quoted} | {on} |")
    quoted = sum(q for q, _ in results.values())
    on = sum(o for _, o in results.values())
    most = sum(min(len(p), DEFAULT_SENTENCES) for p in JUDGMENTS.values())
    print(f"| **all** | | {quoted} | {on} (precision {on / max(quoted, 1):.3f}, {on} of at most {most}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
