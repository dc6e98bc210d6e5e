//! Word lists for the demo data: real Danish postcodes and towns (weighted toward Køge and the
//! rest of Zealand), real DB07 industry codes, Danish names, streets and the phrases consultants
//! write. Nothing here holds digits that could look like a CPR number.

use crate::models::activity::Topic;
use crate::models::contact_request::RequestTopic;

/// A postcode, its town, and how often companies of the demo jobcenter sit there.
pub struct Postcode {
    pub code: &'static str,
    pub city: &'static str,
    pub weight: u32,
}

const fn pc(code: &'static str, city: &'static str, weight: u32) -> Postcode {
    Postcode { code, city, weight }
}

pub const POSTCODES: &[Postcode] = &[
    // Køge Municipality and its neighbours.
    pc("4600", "Køge", 120),
    pc("4623", "Lille Skensved", 14),
    pc("4632", "Bjæverskov", 14),
    pc("4681", "Herfølge", 16),
    pc("4682", "Tureby", 4),
    pc("4683", "Rønnede", 5),
    pc("2680", "Solrød Strand", 18),
    pc("2690", "Karlslunde", 8),
    pc("2670", "Greve", 14),
    pc("4130", "Viby Sjælland", 6),
    pc("4140", "Borup", 6),
    pc("4690", "Haslev", 8),
    pc("4640", "Faxe", 5),
    pc("4654", "Faxe Ladeplads", 3),
    pc("4652", "Hårlev", 4),
    pc("4653", "Karise", 3),
    pc("4660", "Store Heddinge", 4),
    pc("4673", "Rødvig Stevns", 2),
    // The rest of Zealand.
    pc("4000", "Roskilde", 12),
    pc("4030", "Tune", 3),
    pc("4040", "Jyllinge", 2),
    pc("4100", "Ringsted", 8),
    pc("4171", "Glumsø", 2),
    pc("4180", "Sorø", 3),
    pc("4200", "Slagelse", 4),
    pc("4300", "Holbæk", 3),
    pc("4320", "Lejre", 2),
    pc("4330", "Hvalsø", 2),
    pc("4400", "Kalundborg", 2),
    pc("4700", "Næstved", 6),
    pc("4720", "Præstø", 2),
    pc("4760", "Vordingborg", 2),
    pc("4800", "Nykøbing F", 1),
    // Greater Copenhagen.
    pc("2600", "Glostrup", 3),
    pc("2605", "Brøndby", 3),
    pc("2620", "Albertslund", 2),
    pc("2625", "Vallensbæk", 2),
    pc("2630", "Taastrup", 3),
    pc("2635", "Ishøj", 3),
    pc("2640", "Hedehusene", 2),
    pc("2650", "Hvidovre", 2),
    pc("2660", "Brøndby Strand", 2),
    pc("2665", "Vallensbæk Strand", 2),
    pc("2750", "Ballerup", 1),
    pc("2800", "Kongens Lyngby", 1),
    pc("2300", "København S", 2),
    pc("2500", "Valby", 2),
    pc("1550", "København V", 1),
    pc("2100", "København Ø", 1),
    pc("2200", "København N", 1),
    pc("3000", "Helsingør", 1),
    pc("3400", "Hillerød", 1),
    // Head offices elsewhere.
    pc("5000", "Odense C", 1),
    pc("6000", "Kolding", 1),
    pc("6700", "Esbjerg", 1),
    pc("7100", "Vejle", 1),
    pc("8000", "Aarhus C", 1),
    pc("8600", "Silkeborg", 1),
    pc("9000", "Aalborg", 1),
    pc("3700", "Rønne", 1),
];

/// A DB07 industry (Danmarks Statistik's Dansk Branchekode 2007), the trade words a company
/// of that industry puts in its name, and how common the industry is among the companies a
/// jobcenter works with.
pub struct Industry {
    pub code: &'static str,
    pub text: &'static str,
    pub trades: &'static [&'static str],
    pub weight: u32,
    /// Whether companies of the industry tend to be larger (more employees).
    pub big: bool,
}

const fn ind(
    code: &'static str,
    text: &'static str,
    trades: &'static [&'static str],
    weight: u32,
    big: bool,
) -> Industry {
    Industry {
        code,
        text,
        trades,
        weight,
        big,
    }
}

pub const INDUSTRIES: &[Industry] = &[
    ind(
        "412000",
        "Opførelse af bygninger",
        &["Byggeselskab", "Entreprise", "Murer & Entreprenør"],
        6,
        true,
    ),
    ind(
        "432100",
        "El-installation",
        &["El-service", "El-teknik", "Elektro"],
        7,
        false,
    ),
    ind(
        "432200",
        "VVS- og blikkenslagerforretninger",
        &["VVS", "VVS & Blik", "Blikkenslager"],
        7,
        false,
    ),
    ind(
        "433200",
        "Tømrer- og bygningssnedkervirksomhed",
        &["Tømrerforretning", "Tømrer & Snedker", "Byg & Tømrer"],
        9,
        false,
    ),
    ind(
        "433410",
        "Malerforretninger",
        &["Malerfirma", "Maler & Tapet", "Malerforretning"],
        5,
        false,
    ),
    ind(
        "439100",
        "Tagdækningsvirksomhed",
        &["Tag & Facade", "Tagdækning"],
        2,
        false,
    ),
    ind(
        "452010",
        "Autoreparationsværksteder mv.",
        &["Autoværksted", "Bilservice", "Auto"],
        6,
        false,
    ),
    ind(
        "471110",
        "Supermarkeder",
        &["Supermarked", "Købmandsgård"],
        4,
        true,
    ),
    ind(
        "107120",
        "Bagerier, brødfabrikker mv.",
        &["Bageri", "Konditori", "Bageri & Café"],
        5,
        false,
    ),
    ind(
        "561010",
        "Restauranter",
        &["Restaurant", "Kro", "Spisehus", "Bistro"],
        7,
        false,
    ),
    ind(
        "561020",
        "Pizzeriaer, grillbarer, isbarer mv.",
        &["Pizzeria", "Grillbar", "Isbar"],
        4,
        false,
    ),
    ind(
        "551010",
        "Hoteller",
        &["Hotel", "Badehotel", "Kro & Hotel"],
        2,
        true,
    ),
    ind(
        "562100",
        "Event catering",
        &["Catering", "Selskabsservice"],
        2,
        false,
    ),
    ind(
        "494100",
        "Vejgodstransport",
        &["Vognmandsforretning", "Transport", "Fragt"],
        5,
        true,
    ),
    ind("493200", "Taxikørsel", &["Taxa", "Taxi"], 2, false),
    ind(
        "812100",
        "Almindelig rengøring i bygninger",
        &["Rengøring", "Rengøringsservice", "Facility Service"],
        6,
        true,
    ),
    ind(
        "813000",
        "Landskabspleje",
        &["Anlægsgartner", "Have & Anlæg", "Haveservice"],
        5,
        false,
    ),
    ind(
        "016100",
        "Serviceydelser i forbindelse med planteavl",
        &["Maskinstation", "Landbrugsservice"],
        3,
        false,
    ),
    ind(
        "620100",
        "Computerprogrammering",
        &["IT", "Software", "Data"],
        3,
        false,
    ),
    ind(
        "692000",
        "Bogføring og revision; skatterådgivning",
        &["Revision", "Regnskab", "Bogføring"],
        3,
        false,
    ),
    ind(
        "711100",
        "Arkitekter",
        &["Arkitekter", "Tegnestue"],
        1,
        false,
    ),
    ind(
        "782000",
        "Vikarbureauer",
        &["Vikarservice", "Bemanding"],
        2,
        true,
    ),
    ind(
        "251100",
        "Fremstilling af metalkonstruktioner og dele heraf",
        &["Stål", "Smedie", "Stålbyg"],
        3,
        true,
    ),
    ind(
        "256200",
        "Maskinforarbejdning",
        &["Maskinfabrik", "CNC", "Metalvarefabrik"],
        3,
        true,
    ),
    ind(
        "862100",
        "Almen lægepraksis",
        &["Lægehus", "Lægepraksis"],
        2,
        false,
    ),
    ind(
        "862300",
        "Tandlæger",
        &["Tandlægeklinik", "Tandklinik"],
        2,
        false,
    ),
    ind(
        "873000",
        "Institutioner for ældre og handicappede",
        &["Plejecenter", "Bosted"],
        2,
        true,
    ),
    ind(
        "889130",
        "Børnehaver",
        &["Børnehave", "Naturbørnehave"],
        2,
        false,
    ),
    ind(
        "960210",
        "Frisørsaloner",
        &["Frisør", "Hårdesign", "Salon"],
        4,
        false,
    ),
    ind(
        "931300",
        "Fitnesscentre",
        &["Fitness", "Træningscenter"],
        2,
        false,
    ),
    ind("477300", "Apoteker", &["Apotek"], 1, false),
];

/// Places that go into company names ("Køge Tømrerforretning", "Autoværkstedet Ølby").
pub const NAME_PLACES: &[&str] = &[
    "Køge",
    "Ølby",
    "Ølsemagle",
    "Herfølge",
    "Bjæverskov",
    "Borup",
    "Solrød",
    "Karlslunde",
    "Greve",
    "Stevns",
    "Faxe",
    "Ringsted",
    "Roskilde",
    "Lellinge",
    "Vallø",
    "Ejby",
    "Gørslev",
    "Hårlev",
    "Rødvig",
    "Jersie",
    "Havdrup",
    "Sjælland",
    "Østsjælland",
    "Åsø",
    "Ærø",
    "Køge Bugt",
    "Strandvejens",
    "Havnens",
];

pub const NAME_ADJECTIVES: &[&str] = &[
    "Nordisk",
    "Sjællandsk",
    "Grøn",
    "Ny",
    "Dansk",
    "Solid",
    "Præcis",
    "Lokal",
    "Østdansk",
    "Ærlig",
    "Øresunds",
    "Åben",
];

pub const FIRST_NAMES: &[&str] = &[
    "Anne",
    "Mette",
    "Lone",
    "Karen",
    "Susanne",
    "Hanne",
    "Camilla",
    "Louise",
    "Maria",
    "Sofie",
    "Ida",
    "Emma",
    "Line",
    "Birgitte",
    "Pia",
    "Charlotte",
    "Tina",
    "Helle",
    "Rikke",
    "Signe",
    "Åse",
    "Kirsten",
    "Bente",
    "Jens",
    "Peter",
    "Lars",
    "Søren",
    "Niels",
    "Henrik",
    "Morten",
    "Thomas",
    "Mads",
    "Rasmus",
    "Jesper",
    "Anders",
    "Kasper",
    "Mikkel",
    "Frederik",
    "Bo",
    "Jørgen",
    "Ole",
    "Bjørn",
    "Torben",
    "Kim",
    "Jan",
    "Martin",
    "Christian",
    "Jonas",
    "Øjvind",
    "Ebbe",
    "Steen",
    "Allan",
];

pub const SURNAMES: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Laursen",
    "Holm",
    "Schmidt",
    "Kjær",
    "Bech",
    "Dahl",
    "Østergaard",
    "Søgaard",
    "Bæk",
    "Lund",
    "Skov",
    "Brøndum",
    "Krøyer",
    "Højgaard",
    "Bøgh",
    "Ågesen",
    "Ærenlund",
    "Løkke",
];

pub const STREETS: &[&str] = &[
    "Torvet",
    "Nørregade",
    "Vestergade",
    "Østergade",
    "Søndergade",
    "Brogade",
    "Industrivej",
    "Håndværkervej",
    "Erhvervsvej",
    "Værkstedsvej",
    "Skovvej",
    "Strandvejen",
    "Havnen",
    "Kirkestræde",
    "Ringstedvej",
    "Roskildevej",
    "Køgevej",
    "Vordingborgvej",
    "Egøjevej",
    "Tværvej",
    "Lyngvej",
    "Møllevej",
    "Bygaden",
    "Stationsvej",
    "Åsvej",
    "Ølbycentret",
    "Gymnasievej",
    "Hastrupvej",
    "Ølsemaglevej",
    "Tangmosevej",
    "Blegdammen",
    "Fændediget",
    "Bjæverskov Byvej",
    "Sønderstrand",
    "Karlemosevej",
    "Smedevej",
    "Tømrervej",
    "Mekanikervej",
    "Gl. Køgevej",
    "Lille Køgevej",
];

pub const CONTACT_TITLES: &[&str] = &[
    "Indehaver",
    "Direktør",
    "Daglig leder",
    "HR-chef",
    "HR-konsulent",
    "Værkfører",
    "Butikschef",
    "Køkkenchef",
    "Lønbogholder",
    "Produktionschef",
    "Centerleder",
    "Kontorchef",
];

pub const COMPANY_NOTES: &[&str] = &[
    "Sæsonvirksomhed – flest ansatte fra april til september.",
    "Indehaveren foretrækker at blive ringet op om formiddagen.",
    "Har tidligere haft borgere i praktik med godt resultat.",
    "Medlem af den lokale erhvervsforening.",
    "Bruger vikarbureau i højsæsonen – interesseret i faste småjobs.",
    "Kantine – mulighed for småjobs i køkkenet.",
    "Ønsker kun kontakt via mail.",
    "Har en mentor, der gerne tager borgere med særlige behov.",
    "Mangler faglærte – åben for opkvalificering af ufaglærte.",
    "Ny ejer siden sidste år; tag et introduktionsbesøg.",
    "Ligger tæt på stationen – godt for borgere uden bil.",
    "Har underskrevet partnerskabsaftale om rummelige arbejdspladser.",
];

/// How a consultant opens the summary of an activity, per kind (visit, phone, mail, meeting, event).
pub const VISIT_OPENINGS: &[&str] = &[
    "Besøg hos virksomheden",
    "Besøg på adressen sammen med indehaveren",
    "Rundvisning i produktionen og snak",
    "Uanmeldt besøg i butikken, god snak",
    "Besøg med kollega fra jobcentret",
];
pub const PHONE_OPENINGS: &[&str] = &[
    "Telefonsamtale med indehaveren",
    "Ringede til den daglige leder",
    "Kort samtale med HR",
    "Opkald fra værkføreren",
    "Ringede for at følge op",
];
pub const MAIL_OPENINGS: &[&str] = &[
    "Sendt mail med information",
    "Mail fra virksomheden",
    "Sendt materiale og pjecer",
    "Svar på mail fra bogholderen",
];
pub const MEETING_OPENINGS: &[&str] = &[
    "Møde på jobcentret",
    "Opfølgningsmøde hos virksomheden",
    "Teams-møde",
    "Møde med ledelsen",
];
pub const EVENT_OPENINGS: &[&str] = &[
    "Mødt til erhvervsmorgenmad",
    "Talt sammen på jobmessen",
    "Deltog i virksomhedsnetværkets møde",
    "Mødt til åbent hus på jobcentret",
];

/// What the conversation was about, per topic.
pub fn topic_phrase(topic: Topic) -> &'static str {
    match topic {
        Topic::Smaajob => "muligheden for småjobs på få timer om ugen",
        Topic::Fleksjob => "et fleksjob til en borger med nedsat arbejdsevne",
        Topic::Praktik => "en virksomhedspraktik på fire uger",
        Topic::Loentilskud => "ansættelse med løntilskud",
        Topic::Recruitment => "rekruttering til ledige stillinger",
        Topic::Retention => "en medarbejder med sygefravær og delvis raskmelding",
        Topic::Upskilling => "opkvalificering af ufaglærte medarbejdere",
        Topic::Other => "jobcentrets tilbud til virksomheder",
    }
}

pub const EXTRA_SENTENCES: &[&str] = &[
    "",
    "",
    "",
    " Travlt i øjeblikket, men positiv stemning.",
    " Mangler især hænder om morgenen.",
    " Har plads til en borger i køkkenet.",
    " Spurgte til reglerne for tilskud.",
    " Aftalt at sende jobprofil.",
    " Ledelsen vil drøfte det internt.",
    " Nævnte at de udvider til efteråret.",
];

pub const FOLLOW_UP_NOTES: &[&str] = &[
    "Ring og hør, om praktikken er kommet godt i gang",
    "Send materiale om fleksjob",
    "Aftal besøg med indehaveren",
    "Følg op på de ledige stillinger",
    "Hør om behovet for småjobs i højsæsonen",
    "Send oplæg til løntilskud",
    "Book møde om fastholdelse",
    "Send kandidatprofiler",
];

pub const PLACEMENT_NOTES: &[&str] = &[
    "",
    "",
    "",
    "Mentor på arbejdspladsen.",
    "Arbejder om formiddagen.",
    "Opfølgning hver fjortende dag.",
    "Transport aftalt med virksomheden.",
];

/// A campaign theme: its name, purpose and topics.
pub struct CampaignTheme {
    pub name: &'static str,
    pub purpose: &'static str,
    pub topics: &'static [Topic],
}

pub const CAMPAIGN_THEMES: &[CampaignTheme] = &[
    CampaignTheme {
        name: "Småjob i Køge",
        purpose: "Besøg lokale virksomheder og tal om småjobs og fleksjob til borgere på kanten af arbejdsmarkedet.",
        topics: &[Topic::Smaajob, Topic::Fleksjob],
    },
    CampaignTheme {
        name: "Rekruttering til byggeriet",
        purpose: "Hjælp byggeriets virksomheder med at finde lærlinge og ufaglærte medhjælpere.",
        topics: &[Topic::Recruitment, Topic::Upskilling],
    },
    CampaignTheme {
        name: "Fleksjob i detailhandlen",
        purpose: "Find fleksjob i butikker og supermarkeder.",
        topics: &[Topic::Fleksjob],
    },
    CampaignTheme {
        name: "Sygefravær og fastholdelse",
        purpose: "Tilbyd hjælp til virksomheder med langtidssygemeldte medarbejdere.",
        topics: &[Topic::Retention],
    },
    CampaignTheme {
        name: "Praktikpladser i hotel og restauration",
        purpose: "Skaf virksomhedspraktikker og løntilskudsjob i hotel- og restaurationsbranchen.",
        topics: &[Topic::Praktik, Topic::Loentilskud],
    },
    CampaignTheme {
        name: "Virksomhedsservice møder erhvervsparken",
        purpose: "Præsenter den faste kontaktperson og jobcentrets tilbud for virksomhederne i erhvervsparken.",
        topics: &[Topic::Recruitment, Topic::Other],
    },
];

/// Messages of the public form, per topic.
pub fn request_messages(topic: RequestTopic) -> &'static [&'static str] {
    match topic {
        RequestTopic::Recruitment => &[
            "Vi søger to medarbejdere til lageret og vil gerne høre, om I har kandidater.",
            "Vi mangler en lærling til efteråret. Kan I hjælpe?",
            "Vi har travlt og har brug for hjælp til at finde en chauffør.",
        ],
        RequestTopic::SmaajobFleksjob => &[
            "Vi kunne godt bruge en hjælpende hånd nogle timer om ugen. Hvordan fungerer småjobs?",
            "En af vores medarbejdere kan ikke længere arbejde fuld tid. Kan fleksjob være en løsning?",
            "Vi vil gerne høre mere om fleksjob og hvad det kræver af os.",
        ],
        RequestTopic::PraktikLoentilskud => &[
            "Vi har plads til en praktikant i køkkenet. Hvordan kommer vi i gang?",
            "Kan vi få tilskud, hvis vi ansætter en ledig i vores butik?",
            "Vi vil gerne tage en borger i virksomhedspraktik.",
        ],
        RequestTopic::Retention => &[
            "En medarbejder har været sygemeldt længe, og vi vil gerne have hjælp til at få hende tilbage.",
            "Vi har brug for råd om delvis raskmelding.",
        ],
        RequestTopic::Other => &[
            "Ring venligst tilbage, vi har nogle spørgsmål om jeres tilbud.",
            "Vi er nystartede og vil gerne høre, hvad jobcentret kan hjælpe med.",
        ],
    }
}

pub const PREFERRED_TIMES: &[&str] = &[
    "",
    "",
    "Formiddag",
    "Eftermiddag",
    "Mandag eller tirsdag",
    "Hurtigst muligt",
];

/// Company landline prefixes on Zealand (Køge, Roskilde, Ringsted, Næstved, Greve).
pub const LANDLINE_PREFIXES: &[&str] = &["56", "56", "56", "46", "57", "55", "43", "70"];
/// Danish mobile number prefixes.
pub const MOBILE_PREFIXES: &[&str] = &[
    "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "40", "41", "42", "50",
    "51", "52", "53", "60", "61", "71", "81", "91", "92", "93",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cpr_guard;

    #[test]
    fn codes_have_their_shapes() {
        assert!(POSTCODES.len() >= 55);
        for p in POSTCODES {
            assert!(
                crate::domain::cvr::normalize_postcode(p.code).is_ok(),
                "{}",
                p.code
            );
            assert!(!p.city.is_empty() && p.weight > 0);
        }
        let mut codes: Vec<_> = POSTCODES.iter().map(|p| p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), POSTCODES.len(), "postcodes are listed once");
        assert!(INDUSTRIES.len() >= 30);
        for i in INDUSTRIES {
            assert_eq!(i.code.len(), 6, "{}", i.code);
            assert!(i.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(!i.trades.is_empty() && i.weight > 0);
        }
    }

    #[test]
    fn no_phrase_looks_like_a_cpr_number() {
        let all = COMPANY_NOTES
            .iter()
            .chain(VISIT_OPENINGS)
            .chain(PHONE_OPENINGS)
            .chain(MAIL_OPENINGS)
            .chain(MEETING_OPENINGS)
            .chain(EVENT_OPENINGS)
            .chain(EXTRA_SENTENCES)
            .chain(FOLLOW_UP_NOTES)
            .chain(PLACEMENT_NOTES);
        for text in all {
            assert!(cpr_guard::find_cpr(text).is_none(), "{text}");
        }
    }
}
