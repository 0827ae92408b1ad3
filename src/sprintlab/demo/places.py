"""Cities that host local sites and that participants come from, with real-ish coordinates.

Each city carries its IANA time zone so that site times and participants' zones are correct, and
a few venue names so that larger demo scales can open several sites in one city.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    latitude: float
    longitude: float
    timezone: str
    venues: tuple[str, ...]
    # How many participants come from here, relative to other cities.
    weight: int = 1


CITIES: tuple[City, ...] = (
    # United States
    City(
        "Stanford",
        "US",
        37.4275,
        -122.1697,
        "America/Los_Angeles",
        ("Stanford AI Alignment", "Gates Computer Science Building", "Huang Engineering Center"),
        5,
    ),
    City(
        "Berkeley",
        "US",
        37.8715,
        -122.2730,
        "America/Los_Angeles",
        ("Berkeley AI Safety Initiative", "Constellation", "Soda Hall"),
        6,
    ),
    City(
        "San Francisco",
        "US",
        37.7749,
        -122.4194,
        "America/Los_Angeles",
        ("Mission Coworking", "SF AI Safety Hub", "SoMa Lab"),
        5,
    ),
    City("Seattle", "US", 47.6062, -122.3321, "America/Los_Angeles", ("UW Allen School", "Capitol Hill Hub"), 2),
    City("Boston", "US", 42.3601, -71.0589, "America/New_York", ("MIT AI Alignment", "Harvard AI Safety Team"), 4),
    City("New York", "US", 40.7128, -74.0060, "America/New_York", ("NYU Center for Data Science", "Brooklyn Lab"), 4),
    City("Pittsburgh", "US", 40.4406, -79.9959, "America/New_York", ("CMU Gates Hillman Center",), 1),
    City("Austin", "US", 30.2672, -97.7431, "America/Chicago", ("UT Austin AI Safety",), 1),
    City("Chicago", "US", 41.8781, -87.6298, "America/Chicago", ("UChicago Existential Risk Lab",), 2),
    # Canada and Latin America
    City("Toronto", "CA", 43.6532, -79.3832, "America/Toronto", ("Vector Institute Commons", "UofT AI Safety"), 3),
    City("Montreal", "CA", 45.5017, -73.5673, "America/Toronto", ("Mila Agora",), 2),
    City("Vancouver", "CA", 49.2827, -123.1207, "America/Vancouver", ("UBC AI Safety",), 1),
    City("Mexico City", "MX", 19.4326, -99.1332, "America/Mexico_City", ("UNAM Ciencias", "Roma Norte Hub"), 2),
    City(
        "São Paulo", "BR", -23.5505, -46.6333, "America/Sao_Paulo", ("USP Instituto de Matemática", "Pinheiros Hub"), 4
    ),
    City("Rio de Janeiro", "BR", -22.9068, -43.1729, "America/Sao_Paulo", ("IMPA", "Botafogo Lab"), 2),
    City("Belo Horizonte", "BR", -19.9167, -43.9345, "America/Sao_Paulo", ("UFMG AI Safety",), 1),
    City("Buenos Aires", "AR", -34.6037, -58.3816, "America/Argentina/Buenos_Aires", ("UBA Exactas", "Palermo Hub"), 2),
    City("Bogotá", "CO", 4.7110, -74.0721, "America/Bogota", ("Universidad de los Andes",), 1),
    City("Santiago", "CL", -33.4489, -70.6693, "America/Santiago", ("PUC Chile Computación",), 1),
    # United Kingdom and Ireland
    City(
        "London",
        "GB",
        51.5074,
        -0.1278,
        "Europe/London",
        ("LISA", "UCL AI Society", "King's Cross Hub", "Imperial AI Safety"),
        8,
    ),
    City(
        "Cambridge",
        "GB",
        52.2053,
        0.1218,
        "Europe/London",
        ("Cambridge AI Safety Hub", "Trinity College", "Meridian Office"),
        5,
    ),
    City(
        "Oxford",
        "GB",
        51.7520,
        -1.2577,
        "Europe/London",
        ("Oxford AI Safety Initiative", "Mathematical Institute", "Trajan House"),
        5,
    ),
    City("Edinburgh", "GB", 55.9533, -3.1883, "Europe/London", ("Edinburgh AI Safety Hub",), 2),
    City("Dublin", "IE", 53.3498, -6.2603, "Europe/Dublin", ("Trinity College Dublin",), 1),
    # Continental Europe
    City("Copenhagen", "DK", 55.6761, 12.5683, "Europe/Copenhagen", ("Apart Office", "DTU Compute", "Nørrebro Hub"), 4),
    City("Aarhus", "DK", 56.1629, 10.2039, "Europe/Copenhagen", ("Aarhus University", "Katrinebjerg Lab"), 3),
    City("Stockholm", "SE", 59.3293, 18.0686, "Europe/Stockholm", ("KTH AI Society",), 2),
    City("Oslo", "NO", 59.9139, 10.7522, "Europe/Oslo", ("University of Oslo Informatics",), 1),
    City("Helsinki", "FI", 60.1699, 24.9384, "Europe/Helsinki", ("Aalto AI Safety",), 1),
    City("Amsterdam", "NL", 52.3676, 4.9041, "Europe/Amsterdam", ("UvA Science Park", "Amsterdam AI Safety Hub"), 3),
    City("Delft", "NL", 52.0116, 4.3571, "Europe/Amsterdam", ("TU Delft AI Safety",), 1),
    City(
        "Berlin",
        "DE",
        52.5200,
        13.4050,
        "Europe/Berlin",
        ("Berlin AI Safety Hub", "TU Berlin", "Kreuzberg Coworking"),
        4,
    ),
    City("Munich", "DE", 48.1351, 11.5820, "Europe/Berlin", ("TUM AI Safety",), 2),
    City("Tübingen", "DE", 48.5216, 9.0576, "Europe/Berlin", ("Tübingen AI Center",), 1),
    City("Zurich", "CH", 47.3769, 8.5417, "Europe/Zurich", ("ETH AI Alignment", "Effective Altruism Zurich"), 3),
    City("Geneva", "CH", 46.2044, 6.1432, "Europe/Zurich", ("Geneva Tech Hub",), 1),
    City("Paris", "FR", 48.8566, 2.3522, "Europe/Paris", ("ENS Ulm", "Station F", "Paris AI Safety Hub"), 4),
    City("Vienna", "AT", 48.2082, 16.3738, "Europe/Vienna", ("University of Vienna",), 2),
    City("Prague", "CZ", 50.0755, 14.4378, "Europe/Prague", ("Prague Fusion",), 2),
    City("Warsaw", "PL", 52.2297, 21.0122, "Europe/Warsaw", ("University of Warsaw MIMUW",), 2),
    City("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid", ("Universidad Politécnica de Madrid",), 2),
    City("Barcelona", "ES", 41.3874, 2.1686, "Europe/Madrid", ("UPC Barcelona Tech",), 1),
    City("Lisbon", "PT", 38.7223, -9.1393, "Europe/Lisbon", ("Lisbon AI Safety",), 1),
    City("Milan", "IT", 45.4642, 9.1900, "Europe/Rome", ("Politecnico di Milano",), 1),
    City("Athens", "GR", 37.9838, 23.7275, "Europe/Athens", ("NTUA AI Lab",), 1),
    City("Kyiv", "UA", 50.4501, 30.5234, "Europe/Kyiv", ("Kyiv Academic University",), 1),
    City("Tallinn", "EE", 59.4370, 24.7536, "Europe/Tallinn", ("Lift99",), 1),
    # Middle East and Africa
    City("Tel Aviv", "IL", 32.0853, 34.7818, "Asia/Jerusalem", ("Tel Aviv University",), 2),
    City("Istanbul", "TR", 41.0082, 28.9784, "Europe/Istanbul", ("Boğaziçi University",), 1),
    City("Cairo", "EG", 30.0444, 31.2357, "Africa/Cairo", ("AUC New Cairo",), 1),
    City(
        "Nairobi",
        "KE",
        -1.2921,
        36.8219,
        "Africa/Nairobi",
        ("iHub Nairobi", "Strathmore University", "University of Nairobi"),
        4,
    ),
    City("Mombasa", "KE", -4.0435, 39.6682, "Africa/Nairobi", ("Swahilipot Hub",), 1),
    City("Kampala", "UG", 0.3476, 32.5825, "Africa/Kampala", ("Makerere AI Lab",), 1),
    City("Lagos", "NG", 6.5244, 3.3792, "Africa/Lagos", ("Co-Creation Hub", "University of Lagos"), 3),
    City("Accra", "GH", 5.6037, -0.1870, "Africa/Accra", ("Ashesi AI Club",), 1),
    City("Kigali", "RW", -1.9441, 30.0619, "Africa/Kigali", ("CMU Africa",), 1),
    City("Addis Ababa", "ET", 9.0054, 38.7636, "Africa/Addis_Ababa", ("Addis Ababa University",), 1),
    City("Cape Town", "ZA", -33.9249, 18.4241, "Africa/Johannesburg", ("UCT AI Society", "Woodstock Exchange"), 2),
    City("Johannesburg", "ZA", -26.2041, 28.0473, "Africa/Johannesburg", ("Wits AI Safety",), 1),
    # South and South-East Asia
    City(
        "Bengaluru", "IN", 12.9716, 77.5946, "Asia/Kolkata", ("IISc Bangalore", "Koramangala Hub", "IIIT Bangalore"), 6
    ),
    City("New Delhi", "IN", 28.6139, 77.2090, "Asia/Kolkata", ("IIT Delhi", "Hauz Khas Lab"), 4),
    City("Mumbai", "IN", 19.0760, 72.8777, "Asia/Kolkata", ("IIT Bombay", "Powai Coworking"), 4),
    City("Hyderabad", "IN", 17.3850, 78.4867, "Asia/Kolkata", ("IIIT Hyderabad", "T-Hub"), 3),
    City("Chennai", "IN", 13.0827, 80.2707, "Asia/Kolkata", ("IIT Madras",), 2),
    City("Pune", "IN", 18.5204, 73.8567, "Asia/Kolkata", ("COEP AI Club",), 1),
    City("Kolkata", "IN", 22.5726, 88.3639, "Asia/Kolkata", ("ISI Kolkata",), 1),
    City("Hanoi", "VN", 21.0278, 105.8342, "Asia/Ho_Chi_Minh", ("VNU University of Engineering", "Hanoi AI Hub"), 3),
    City("Ho Chi Minh City", "VN", 10.8231, 106.6297, "Asia/Ho_Chi_Minh", ("HCMUT", "District 1 Coworking"), 3),
    City("Da Nang", "VN", 16.0544, 108.2022, "Asia/Ho_Chi_Minh", ("FPT University Da Nang",), 1),
    City("Singapore", "SG", 1.3521, 103.8198, "Asia/Singapore", ("NUS School of Computing", "Block71"), 3),
    City("Kuala Lumpur", "MY", 3.1390, 101.6869, "Asia/Kuala_Lumpur", ("University of Malaya",), 1),
    City("Manila", "PH", 14.5995, 120.9842, "Asia/Manila", ("Ateneo de Manila",), 2),
    City("Jakarta", "ID", -6.2088, 106.8456, "Asia/Jakarta", ("Universitas Indonesia",), 1),
    City("Bangkok", "TH", 13.7563, 100.5018, "Asia/Bangkok", ("Chulalongkorn University",), 1),
    City("Dhaka", "BD", 23.8103, 90.4125, "Asia/Dhaka", ("BUET",), 1),
    City("Karachi", "PK", 24.8607, 67.0011, "Asia/Karachi", ("Habib University",), 1),
    City("Kathmandu", "NP", 27.7172, 85.3240, "Asia/Kathmandu", ("Kathmandu University",), 1),
    # East Asia and Oceania
    City("Tokyo", "JP", 35.6762, 139.6503, "Asia/Tokyo", ("University of Tokyo", "Shibuya Hub"), 2),
    City("Seoul", "KR", 37.5665, 126.9780, "Asia/Seoul", ("KAIST Seoul", "SNU AI Safety"), 2),
    City("Taipei", "TW", 25.0330, 121.5654, "Asia/Taipei", ("NTU Taipei",), 1),
    City("Hong Kong", "HK", 22.3193, 114.1694, "Asia/Hong_Kong", ("HKUST",), 1),
    City("Sydney", "AU", -33.8688, 151.2093, "Australia/Sydney", ("UNSW AI Safety", "Sydney AI Safety Hub"), 2),
    City("Melbourne", "AU", -37.8136, 144.9631, "Australia/Melbourne", ("University of Melbourne",), 2),
    City("Auckland", "NZ", -36.8485, 174.7633, "Pacific/Auckland", ("University of Auckland",), 1),
)

# Where the sprint headquarters and most remote organisers are.
HQ_CITY = "Copenhagen"
