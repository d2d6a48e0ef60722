"""Generate resources/demo/people.csv: a fictional, realistic assembly pool.

Run once by a developer (deterministic); the CSV it writes is what ships. The mix follows a
stratified recruitment (roughly census shares for a mid-sized UK city), as a real sortition
pool would.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

FIRST = {
    "Woman": ["Aisha", "Bethan", "Chloe", "Dorota", "Eilidh", "Fatima", "Grace", "Hannah",
              "Ioana", "Jasmine", "Katarzyna", "Lowri", "Maryam", "Niamh", "Olivia", "Priya",
              "Rhiannon", "Siân", "Tamsin", "Zoë", "Amélie", "Chiamaka", "Mei", "Noor",
              "Sinéad", "Agnieszka", "Leah", "Ruth", "Joan", "Margaret", "Shirley", "Ewa"],
    "Man": ["Adam", "Bilal", "Callum", "Dafydd", "Emeka", "Finley", "Gareth", "Hamza",
            "Iwan", "Jakub", "Kwame", "Liam", "Mohammed", "Nathan", "Owain", "Piotr",
            "Rhys", "Samuel", "Tomás", "Yusuf", "José", "Ravi", "Chen", "Dylan", "Kieran",
            "Barry", "Trevor", "Colin", "Arjun", "Mateusz", "Ibrahim", "Declan"],
    "Non-binary": ["Alex", "Rowan", "Sam", "Jordan", "Morgan", "Ash"],
}
LAST = ["Ahmed", "Begum", "Bowen", "Brown", "Campbell", "Chowdhury", "Davies", "Edwards",
        "Evans", "Ferreira", "Griffiths", "Hughes", "Jenkins", "Jones", "Kaur", "Khan",
        "Kowalski", "Lewis", "Llewellyn", "Morgan", "Nowak", "Nguyen", "Okafor", "Owen",
        "Patel", "Phillips", "Price", "Rahman", "Roberts", "Singh", "Smith", "Taylor",
        "Thomas", "Walker", "Williams", "Wiśniewska", "Ó Súilleabháin", "Mensah", "Haddad",
        "Novák", "Łukasik", "Müller", "García", "Zhang", "Ali", "Mahmoud"]
AREAS = [("Riverside", 22), ("Old Town", 18), ("Northfield", 20), ("Docklands", 14),
         ("Hillcrest", 16), ("Rural villages", 10)]
AGES = [("16-24", 13), ("25-34", 17), ("35-44", 16), ("45-54", 17), ("55-64", 16),
        ("65-74", 12), ("75+", 9)]
ETHNICITY = [("White British", 70), ("White other", 8), ("Asian or Asian British", 10),
             ("Black or Black British", 5), ("Mixed", 4), ("Other", 3)]
DISABILITY = [("None", 76), ("Step-free access", 8), ("Hearing loop", 5),
              ("Large print", 4), ("Quiet room", 4), ("Carer attends", 3)]
LANGUAGE = [("English", 82), ("Welsh", 10), ("Polish", 3), ("Arabic", 3), ("BSL", 2)]
ATTITUDE = [("Very concerned", 30), ("Fairly concerned", 35), ("Not very concerned", 22),
            ("Not at all concerned", 13)]


def pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def main() -> None:
    rng = random.Random(2026)
    rows = []
    used: set[str] = set()
    for n in range(1, 97):
        gender = rng.choices(["Woman", "Man", "Non-binary"], weights=[50, 48, 2])[0]
        while True:
            name = f"{rng.choice(FIRST[gender])} {rng.choice(LAST)}"
            if name not in used:
                used.add(name)
                break
        language = pick(rng, LANGUAGE)
        if language == "Arabic" and rng.random() < 0.5:
            name = rng.choice(["مريم حداد", "يوسف الخطيب", "ليلى منصور"])
        rows.append({
            "ID": f"P{n:03d}", "Name": name, "Role": "participant", "Gender": gender,
            "Age band": pick(rng, AGES), "Area": pick(rng, AREAS),
            "Ethnicity": pick(rng, ETHNICITY), "Access needs": pick(rng, DISABILITY),
            "Language": language, "Attitude to climate action": pick(rng, ATTITUDE),
        })
    staff = [("F01", "Helen Marsh", "facilitator"), ("F02", "Tariq Osman", "facilitator"),
             ("F03", "Carys Pritchard", "facilitator"), ("F04", "Duncan Reid", "facilitator"),
             ("F05", "Mia Lindqvist", "facilitator"), ("F06", "Gwen Parry", "facilitator"),
             ("E01", "Prof. Anwen Harries", "expert"), ("E02", "Dr Samuel Adeyemi", "expert"),
             ("E03", "Dr Katrin Vogel", "expert"), ("S01", "Paul Whitfield", "staff")]
    for ext_id, name, role in staff:
        rows.append({"ID": ext_id, "Name": name, "Role": role, "Gender": "", "Age band": "",
                     "Area": "", "Ethnicity": "", "Access needs": "", "Language": "",
                     "Attitude to climate action": ""})
    out = Path(__file__).resolve().parent.parent / "resources" / "demo" / "people.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
