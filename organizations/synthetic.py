"""Write realistic synthetic CMS reference data in the importer's CSV layout.

Deterministic for a seed (one ``random.Random``, no set iteration in the output) and fast:
rows go straight to ``csv.writer``, nothing touches the database. 100,000 practices take a
few seconds.
"""

import csv
import random
from pathlib import Path

from . import validators
from .apm_models import apm_models
from .models import VIRTUAL_GROUPS_FROM, Organization
from .reference_files import (
    APM_ENTITIES,
    APM_PARTICIPATION,
    CLINICIANS,
    COLUMNS,
    ENROLMENTS,
    PRACTICES,
    REGISTRIES,
    VIRTUAL_GROUPS,
)

# APM participation covers the last two performance years each model ran up to this one
# (years from apm_models.json, the importer's source too); virtual groups are formed from
# VIRTUAL_GROUPS_FROM to this year.
LATEST_PERFORMANCE_YEAR = 2025
APM_YEARS_PER_ENTITY = 2
# CMS: a virtual group is formed of solo practitioners and groups of 10 or fewer clinicians.
VIRTUAL_GROUP_TIN_MAX_CLINICIANS = 10


def model_performance_years(model_type):
    """Return the performance years the generator lists participation in for a model: the
    last APM_YEARS_PER_ENTITY years it ran, up to LATEST_PERFORMANCE_YEAR."""
    model = apm_models()[model_type]
    last = min(model["last_year"] or LATEST_PERFORMANCE_YEAR, LATEST_PERFORMANCE_YEAR)
    first = max(model["first_year"], last - APM_YEARS_PER_ENTITY + 1)
    return tuple(range(first, last + 1))


# USPS code -> (relative weight ~ population in millions, first and last ZIP3, cities).
STATES = {
    "AL": (5.0, 350, 369, ["Birmingham", "Montgomery", "Mobile", "Huntsville"]),
    "AK": (0.7, 995, 999, ["Anchorage", "Fairbanks", "Juneau"]),
    "AZ": (7.3, 850, 865, ["Phoenix", "Tucson", "Mesa", "Flagstaff"]),
    "AR": (3.0, 716, 729, ["Little Rock", "Fayetteville", "Fort Smith"]),
    "CA": (39.0, 900, 961, ["Los Angeles", "San Diego", "San Jose", "Fresno", "Sacramento"]),
    "CO": (5.8, 800, 816, ["Denver", "Colorado Springs", "Aurora", "Boulder"]),
    "CT": (3.6, 60, 69, ["Hartford", "New Haven", "Stamford", "Bridgeport"]),
    "DE": (1.0, 197, 199, ["Wilmington", "Dover", "Newark"]),
    "DC": (0.7, 200, 205, ["Washington"]),
    "FL": (22.0, 320, 349, ["Jacksonville", "Miami", "Tampa", "Orlando", "Tallahassee"]),
    "GA": (10.9, 300, 319, ["Atlanta", "Savannah", "Augusta", "Macon"]),
    "HI": (1.4, 967, 968, ["Honolulu", "Hilo", "Kailua"]),
    "ID": (1.9, 832, 838, ["Boise", "Idaho Falls", "Pocatello"]),
    "IL": (12.6, 600, 629, ["Chicago", "Springfield", "Peoria", "Rockford"]),
    "IN": (6.8, 460, 479, ["Indianapolis", "Fort Wayne", "Evansville", "South Bend"]),
    "IA": (3.2, 500, 528, ["Des Moines", "Cedar Rapids", "Davenport", "Iowa City"]),
    "KS": (2.9, 660, 679, ["Wichita", "Topeka", "Overland Park", "Lawrence"]),
    "KY": (4.5, 400, 427, ["Louisville", "Lexington", "Bowling Green"]),
    "LA": (4.6, 700, 714, ["New Orleans", "Baton Rouge", "Shreveport", "Lafayette"]),
    "ME": (1.4, 39, 49, ["Portland", "Bangor", "Lewiston"]),
    "MD": (6.2, 206, 219, ["Baltimore", "Annapolis", "Frederick", "Rockville"]),
    "MA": (7.0, 10, 27, ["Boston", "Worcester", "Springfield", "Cambridge"]),
    "MI": (10.0, 480, 499, ["Detroit", "Grand Rapids", "Lansing", "Ann Arbor"]),
    "MN": (5.7, 550, 567, ["Minneapolis", "Saint Paul", "Rochester", "Duluth"]),
    "MS": (2.9, 386, 397, ["Jackson", "Gulfport", "Hattiesburg"]),
    "MO": (6.2, 630, 658, ["Kansas City", "St. Louis", "Springfield", "Columbia"]),
    "MT": (1.1, 590, 599, ["Billings", "Missoula", "Bozeman", "Helena"]),
    "NE": (2.0, 680, 693, ["Omaha", "Lincoln", "Grand Island"]),
    "NV": (3.2, 889, 898, ["Las Vegas", "Reno", "Henderson"]),
    "NH": (1.4, 30, 38, ["Manchester", "Nashua", "Concord"]),
    "NJ": (9.3, 70, 89, ["Newark", "Jersey City", "Trenton", "Camden"]),
    "NM": (2.1, 870, 884, ["Albuquerque", "Santa Fe", "Las Cruces"]),
    "NY": (19.6, 100, 149, ["New York", "Buffalo", "Rochester", "Albany", "Syracuse"]),
    "NC": (10.8, 270, 289, ["Charlotte", "Raleigh", "Durham", "Greensboro", "Asheville"]),
    "ND": (0.8, 580, 588, ["Fargo", "Bismarck", "Grand Forks"]),
    "OH": (11.8, 430, 459, ["Columbus", "Cleveland", "Cincinnati", "Toledo", "Dayton"]),
    "OK": (4.0, 730, 749, ["Oklahoma City", "Tulsa", "Norman"]),
    "OR": (4.2, 970, 979, ["Portland", "Eugene", "Salem", "Bend"]),
    "PA": (13.0, 150, 196, ["Philadelphia", "Pittsburgh", "Harrisburg", "Allentown", "Erie"]),
    "RI": (1.1, 28, 29, ["Providence", "Warwick", "Cranston"]),
    "SC": (5.4, 290, 299, ["Columbia", "Charleston", "Greenville"]),
    "SD": (0.9, 570, 577, ["Sioux Falls", "Rapid City", "Pierre"]),
    "TN": (7.1, 370, 385, ["Nashville", "Memphis", "Knoxville", "Chattanooga"]),
    "TX": (30.5, 750, 799, ["Houston", "Dallas", "San Antonio", "Austin", "El Paso"]),
    "UT": (3.4, 840, 847, ["Salt Lake City", "Provo", "Ogden", "St. George"]),
    "VT": (0.6, 50, 59, ["Burlington", "Montpelier", "Rutland"]),
    "VA": (8.7, 220, 246, ["Richmond", "Virginia Beach", "Norfolk", "Roanoke", "Arlington"]),
    "WA": (7.8, 980, 994, ["Seattle", "Spokane", "Tacoma", "Vancouver"]),
    "WV": (1.8, 247, 268, ["Charleston", "Huntington", "Morgantown"]),
    "WI": (5.9, 530, 549, ["Milwaukee", "Madison", "Green Bay"]),
    "WY": (0.6, 820, 831, ["Cheyenne", "Casper", "Laramie"]),
    "AS": (0.05, 967, 967, ["Pago Pago"]),
    "GU": (0.15, 969, 969, ["Hagatna", "Tamuning"]),
    "MP": (0.05, 969, 969, ["Saipan"]),
    "PR": (3.2, 6, 9, ["San Juan", "Ponce", "Mayaguez", "Bayamon"]),
    "VI": (0.1, 8, 8, ["Charlotte Amalie", "Christiansted"]),
}
FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Jason",
    "Laura",
    "Edward",
    "Helen",
    "Jeffrey",
    "Sharon",
    "Ryan",
    "Cynthia",
    "Jacob",
    "Kathleen",
    "Nicholas",
    "Amy",
    "Eric",
    "Angela",
    "Jonathan",
    "Anna",
    "Priya",
    "Wei",
    "Mohammed",
    "Fatima",
    "Carlos",
    "Sofia",
    "Hiroshi",
    "Yuki",
    "Olga",
    "Kwame",
    "Aisha",
    "Rajesh",
    "Mei",
    "Diego",
    "Lucia",
    "Tariq",
    "Ngozi",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "Bennett",
    "Gray",
    "Patel",
    "Shah",
    "Chen",
    "Wang",
    "Okafor",
    "Mensah",
    "Kowalski",
    "Nakamura",
    "Yamamoto",
    "O'Brien",
    "Fitzgerald",
    "Novak",
    "Schmidt",
    "Rossi",
    "Haddad",
]
SPECIALTIES = [
    "Family Practice",
    "Internal Medicine",
    "Cardiology",
    "Dermatology",
    "Gastroenterology",
    "General Surgery",
    "Hematology/Oncology",
    "Nephrology",
    "Neurology",
    "Obstetrics/Gynecology",
    "Ophthalmology",
    "Orthopedic Surgery",
    "Otolaryngology",
    "Pediatric Medicine",
    "Physical Therapist",
    "Physician Assistant",
    "Nurse Practitioner",
    "Psychiatry",
    "Pulmonary Disease",
    "Radiology",
    "Rheumatology",
    "Urology",
    "Endocrinology",
    "Anesthesiology",
    "Emergency Medicine",
    "Geriatric Medicine",
    "Podiatry",
    "Optometry",
    "Chiropractic",
    "Clinical Psychologist",
]
PLACES = [
    *[
        "Riverside",
        "Lakeview",
        "Summit",
        "Cedar",
        "Maple",
        "Valley",
        "Harbor",
        "Meadow",
        "Pinecrest",
        "Oakwood",
        "Willow",
        "Northside",
        "Southpoint",
        "Eastgate",
        "Westbrook",
        "Highland",
        "Bayview",
        "Sunrise",
        "Sunset",
        "Prairie",
        "Canyon",
        "Evergreen",
        "Brookside",
        "Hillcrest",
        "Fairview",
        "Greenfield",
        "Clearwater",
        "Stonebridge",
        "Redwood",
        "Aspen",
        "Magnolia",
        "Heritage",
        "Liberty",
        "Pioneer",
        "Frontier",
        "Coastal",
        "Bluebonnet",
    ],
    "Silver Creek",
    "Mountain View",
]
SERVICES = [
    "Family Medicine",
    "Internal Medicine",
    "Cardiology Associates",
    "Orthopedics",
    "Pediatrics",
    "Women's Health",
    "Dermatology",
    "Eye Care",
    "Physical Therapy",
    "Medical Group",
    "Health Partners",
    "Primary Care",
    "Clinic",
    "Oncology Specialists",
    "Kidney Care",
    "Neurology Associates",
    "Behavioral Health",
    "Surgical Associates",
    "Urgent Care",
    "Rural Health Clinic",
]
SUFFIXES = ["LLC", "PC", "PA", "PLLC", "Inc", "", "", ""]
STREET_NAMES = [
    "Main",
    "Oak",
    "Maple",
    "Pine",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Church",
    "Market",
    "Center",
    "River",
    "Franklin",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Highland",
    "Spring",
    "Valley",
    "Sunset",
    "College",
    "Mill",
    "Union",
]
STREET_TYPES = ["St", "Ave", "Blvd", "Rd", "Dr", "Ln", "Way", "Pkwy", "Ct"]
UNITS = ["", "", "", "Suite 100", "Suite 200", "Suite 310", "Bldg B", "Floor 2"]
# Prefixes the IRS assigns to EINs (campus and internet prefixes), so TINs look real.
EIN_PREFIXES = [
    "01", "02", "03", "04", "05", "06", "10", "11", "12", "13", "14", "15", "16", "20", "21",
    "22", "23", "24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36", "37", "38",
    "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "50", "51", "52", "53", "54",
    "55", "56", "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67", "68", "71",
    "72", "73", "74", "75", "76", "77", "80", "81", "82", "83", "84", "85", "86", "87", "88",
    "90", "91", "92", "93", "94", "95", "98", "99",
]  # fmt: skip
# How CMS spells each model's entity IDs (e.g. SSP ACO IDs are A followed by 4 digits).
ENTITY_ID_FORMATS = {
    Organization.ModelType.BPCI_ADVANCED: ("BPCIA-", 4),
    Organization.ModelType.CPC_PLUS: ("T", 5),
    Organization.ModelType.CEC: ("E", 4),
    Organization.ModelType.IAH: ("IAH", 3),
    Organization.ModelType.MARYLAND_TCOC: ("MDPCP", 4),
    Organization.ModelType.NEXT_GENERATION_ACO: ("V", 3),
    Organization.ModelType.OCM: ("OCM-", 4),
    Organization.ModelType.SSP_ACO: ("A", 4),
    Organization.ModelType.VERMONT_ACO: ("VTAPM", 3),
}
ENTITY_NAME_WORDS = {
    Organization.ModelType.BPCI_ADVANCED: "Bundled Care Partners",
    Organization.ModelType.CPC_PLUS: "Primary Care Collaborative",
    Organization.ModelType.CEC: "Kidney Care ESCO",
    Organization.ModelType.IAH: "Home Care Practice",
    Organization.ModelType.MARYLAND_TCOC: "Care Transformation Organization",
    Organization.ModelType.NEXT_GENERATION_ACO: "Next Gen ACO",
    Organization.ModelType.OCM: "Oncology Practice Group",
    Organization.ModelType.SSP_ACO: "Accountable Care Organization",
    Organization.ModelType.VERMONT_ACO: "Vermont Care Network",
}
REGISTRY_TOPICS = [
    "Cardiovascular",
    "Oncology",
    "Dermatology",
    "Orthopedic Outcomes",
    "Anesthesia Quality",
    "Eye Health",
    "Behavioral Health",
    "Kidney Disease",
    "Primary Care",
    "Surgical Quality",
]
DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, as contractors avoid them


class _Synthesizer:
    def __init__(self, seed):
        # Synthetic data must be reproducible from a seed; nothing secret comes from it.
        # Seeded synthetic data, not secrets (bandit B311, ruff S311).
        self.random = random.Random(seed)  # noqa: S311  # nosec B311
        self.tins = set()
        self.npis = set()
        self.ptans = set()
        state_codes = list(STATES)
        self.state_codes = state_codes
        self.state_weights = [STATES[code][0] for code in state_codes]

    def tin(self):
        while True:
            tin = self.random.choice(EIN_PREFIXES) + f"{self.random.randrange(10**7):07d}"
            if tin not in self.tins:
                self.tins.add(tin)
                return tin

    def npi(self, first_digit):
        while True:
            first_nine = f"{first_digit}{self.random.randrange(10**8):08d}"
            npi = first_nine + str(validators.npi_check_digit(first_nine))
            if npi not in self.npis:
                self.npis.add(npi)
                return npi

    def ptan(self):
        choose = self.random.choice
        while True:
            shape = self.random.randrange(4)
            if shape == 0:
                ptan = "".join(choose(DIGITS) for _ in range(6))
            elif shape == 1:
                ptan = choose(LETTERS) + "".join(choose(DIGITS) for _ in range(5))
            elif shape == 2:
                ptan = choose(DIGITS) + "".join(choose(LETTERS) for _ in range(2))
                ptan += "".join(choose(DIGITS) for _ in range(5))
            else:
                ptan = "".join(choose(DIGITS) for _ in range(10))
            if ptan not in self.ptans:
                self.ptans.add(ptan)
                return ptan

    def address(self, state):
        _weight, first_zip3, last_zip3, cities = STATES[state]
        rng = self.random
        street = f"{rng.randrange(1, 9900)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_TYPES)}"
        unit = rng.choice(UNITS)
        if unit:
            street = f"{street} {unit}"
        zip_code = f"{rng.randint(first_zip3, last_zip3):03d}{rng.randrange(100):02d}"
        if rng.random() < 0.3:
            zip_code += f"-{rng.randrange(10000):04d}"
        return street, rng.choice(cities), state, zip_code

    def practice_name(self, city):
        rng = self.random
        shape = rng.randrange(4)
        if shape == 0:
            name = f"{rng.choice(PLACES)} {rng.choice(SERVICES)}"
        elif shape == 1:
            name = f"{rng.choice(LAST_NAMES)} & {rng.choice(LAST_NAMES)} {rng.choice(SERVICES)}"
        elif shape == 2:
            name = f"{city} {rng.choice(SERVICES)}"
        else:
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(SERVICES)}"
        suffix = rng.choice(SUFFIXES)
        return f"{name} {suffix}" if suffix else name

    def clinician_count(self):
        roll = self.random.random()
        if roll < 0.60:
            return 1
        if roll < 0.90:
            return self.random.randint(2, 4)
        if roll < 0.985:
            return self.random.randint(5, 12)
        return self.random.randint(13, 40)


def write_synthetic_reference_files(*, directory, practices, seed=1):
    """Write a complete set of reference CSV files for ``practices`` practices into
    ``directory`` (created if missing); return the number of rows written per file.

    Every state and territory, every APM model type, both registry kinds and at least one
    virtual group appear once there are enough practices (60 or more for every state).
    """
    if practices < 1:
        raise ValueError("Generate at least one practice.")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    synth = _Synthesizer(seed)
    rng = synth.random
    counts = {}
    writers = {}
    handles = []
    try:
        for name, columns in COLUMNS.items():
            handle = (directory / name).open("w", newline="", encoding="utf-8")
            handles.append(handle)
            writers[name] = csv.writer(handle, lineterminator="\n")
            writers[name].writerow(columns)
            counts[name] = 0

        def write(name, row):
            writers[name].writerow(row)
            counts[name] += 1

        virtual_groups = max(1, practices // 200) if practices >= 10 else 0
        practice_tins = []
        regular_tins = []
        members = {}  # tin -> [npi]
        all_npis = []
        for index in range(practices):
            # The first practices visit every state in turn, the rest follow population.
            if index < len(synth.state_codes):
                state = synth.state_codes[index]
            else:
                state = rng.choices(synth.state_codes, synth.state_weights)[0]
            street, city, state, zip_code = synth.address(state)
            tin = synth.tin()
            is_virtual_group = index >= practices - virtual_groups
            if is_virtual_group:
                name = f"{rng.choice(PLACES)} Virtual Group {index % 1000 + 1}"
                group_npi = group_ptan = ""
            else:
                name = synth.practice_name(city)
                group_npi = synth.npi(rng.choice("12"))
                group_ptan = synth.ptan()
            write(
                PRACTICES,
                [
                    tin,
                    name,
                    "true" if is_virtual_group else "false",
                    group_npi,
                    group_ptan,
                    street,
                    city,
                    state,
                    zip_code,
                ],
            )
            practice_tins.append(tin)
            if is_virtual_group:
                members[tin] = []
                continue
            regular_tins.append(tin)
            npis = []
            for _ in range(synth.clinician_count()):
                npi = synth.npi("1")
                write(
                    CLINICIANS,
                    [
                        npi,
                        rng.choice(FIRST_NAMES),
                        rng.choice(LAST_NAMES),
                        rng.choice(SPECIALTIES),
                    ],
                )
                write(ENROLMENTS, [npi, tin, synth.ptan()])
                npis.append(npi)
                all_npis.append(npi)
            members[tin] = npis

        # Some clinicians also bill under a second TIN; virtual groups gather solo clinicians.
        for npi in rng.sample(all_npis, len(all_npis) // 12):
            tin = rng.choice(regular_tins)
            if npi not in members[tin]:
                write(ENROLMENTS, [npi, tin, synth.ptan()])
                members[tin].append(npi)
        for tin in practice_tins[len(practice_tins) - virtual_groups :]:
            for npi in rng.sample(all_npis, min(len(all_npis), rng.randint(5, 20))):
                write(ENROLMENTS, [npi, tin, synth.ptan()])
                members[tin].append(npi)

        _write_apm_entities(synth, write, regular_tins, members, practices)
        _write_registries(synth, write, practices)
        _write_virtual_groups(
            synth,
            write,
            practice_tins[len(practice_tins) - virtual_groups :],
            regular_tins,
            members,
        )
    finally:
        for handle in handles:
            handle.close()
    return counts


def _write_apm_entities(synth, write, regular_tins, members, practices):
    rng = synth.random
    model_types = list(Organization.ModelType)
    entity_count = max(len(model_types), practices // 250)
    # Each practice takes part in at most one entity; shuffle a copy to draw from.
    available = regular_tins[:]
    rng.shuffle(available)
    used_ids = set()
    for index in range(entity_count):
        model_type = model_types[index % len(model_types)]
        prefix, width = ENTITY_ID_FORMATS[model_type]
        while True:
            entity_id = f"{prefix}{rng.randrange(10**width):0{width}d}"
            if entity_id not in used_ids:
                used_ids.add(entity_id)
                break
        # Roughly a third are single-TIN entities; in a small set, the first SSP ACO is one.
        is_single_tin = rng.random() < 0.3 or (
            practices < 250 and model_type == Organization.ModelType.SSP_ACO
        )
        name = f"{rng.choice(PLACES)} {ENTITY_NAME_WORDS[model_type]}"
        suffix = rng.choice(["LLC", "Inc", ""])
        write(
            APM_ENTITIES,
            [
                entity_id,
                f"{name} {suffix}".strip(),
                model_type.value,
                "true" if is_single_tin else "false",
            ],
        )
        # Small sets share their few practices among all nine model types.
        wanted = 1 if is_single_tin else rng.randint(2, 12 if practices >= 1000 else 3)
        tins = [available.pop() for _ in range(min(wanted, len(available)))]
        years = model_performance_years(model_type)
        for year in years:
            # A multi-TIN entity may lose a practice from one year to the next.
            if year != years[0] and len(tins) > 2 and rng.random() < 0.3:
                tins = tins[:-1]
            for tin in tins:
                write(APM_PARTICIPATION, [entity_id, tin, year, ""])
                for npi in members[tin]:
                    write(APM_PARTICIPATION, [entity_id, tin, year, npi])


def _write_virtual_groups(synth, write, virtual_group_tins, regular_tins, members):
    """Give each virtual group an identifier and the small practice TINs forming it, per
    year from the year it was formed (2018 at the earliest); a TIN joins one a year.

    Written last so the random draws of the other files do not change."""
    rng = synth.random
    home = {}  # npi -> the first TIN the clinician bills under
    for tin in regular_tins:
        for npi in members[tin]:
            home.setdefault(npi, tin)
    small = [tin for tin in regular_tins if len(members[tin]) <= VIRTUAL_GROUP_TIN_MAX_CLINICIANS]
    # Draws come from the list (reproducible order); membership is asked of a set, as a list
    # of 900,000 TINs made a 1M-practice set take over ten minutes here.
    is_small = set(small)
    taken = set()
    used_ids = set()
    for vg_tin in virtual_group_tins:
        while True:
            virtual_group_id = f"VG-{rng.randrange(10**5):05d}"
            if virtual_group_id not in used_ids:
                used_ids.add(virtual_group_id)
                break
        # The practices of the clinicians it gathers, then others, to 2-5 small TINs.
        candidates = [home[npi] for npi in members[vg_tin] if npi in home]
        candidates += [rng.choice(small) for _ in range(5)] if small else []
        tins = []
        for tin in candidates:
            if tin in is_small and tin not in taken and tin not in tins and len(tins) < 5:
                tins.append(tin)
        if len(tins) < 2:
            continue
        taken.update(tins)
        formed = rng.randint(VIRTUAL_GROUPS_FROM, LATEST_PERFORMANCE_YEAR - 1)
        for year in range(formed, LATEST_PERFORMANCE_YEAR + 1):
            # A TIN may leave after a year (it elects again each year).
            if year != formed and len(tins) > 2 and rng.random() < 0.2:
                tins = tins[:-1]
            for tin in sorted(tins):
                write(VIRTUAL_GROUPS, [virtual_group_id, vg_tin, year, tin])


def _write_registries(synth, write, practices):
    rng = synth.random
    for index in range(max(2, practices // 1000)):
        is_qcdr = index % 2 == 0
        kind = (
            Organization.RegistryKind.QCDR
            if is_qcdr
            else Organization.RegistryKind.QUALIFIED_REGISTRY
        )
        registry_id = f"{'Q' if is_qcdr else 'R'}{index + 1:04d}"
        topic = REGISTRY_TOPICS[index % len(REGISTRY_TOPICS)]
        label = "QCDR" if is_qcdr else "Registry"
        write(
            REGISTRIES,
            [registry_id, synth.tin(), f"{rng.choice(PLACES)} {topic} {label}", kind.value],
        )
