# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Russia's regions as the time-zone rule (``timezones.region_zone``) reads
them: the zone of each region and the region of each tax authority code. Data
only."""

# Region of Russia (ISO 3166-2:RU subdivision code, the ``code`` of Odoo's
# ``res.country.state`` records of RU) → IANA zone of its capital.
REGION_ZONES = {
    "AD": "Europe/Moscow",  # Адыгея
    "AL": "Asia/Barnaul",  # Республика Алтай
    "ALT": "Asia/Barnaul",  # Алтайский край
    "AMU": "Asia/Yakutsk",  # Амурская область
    "ARK": "Europe/Moscow",  # Архангельская область
    "AST": "Europe/Astrakhan",  # Астраханская область
    "BA": "Asia/Yekaterinburg",  # Башкортостан
    "BEL": "Europe/Moscow",  # Белгородская область
    "BRY": "Europe/Moscow",  # Брянская область
    "BU": "Asia/Irkutsk",  # Бурятия
    "CE": "Europe/Moscow",  # Чечня
    "CHE": "Asia/Yekaterinburg",  # Челябинская область
    "CHU": "Asia/Anadyr",  # Чукотский АО
    "CU": "Europe/Moscow",  # Чувашия
    "DA": "Europe/Moscow",  # Дагестан
    "IN": "Europe/Moscow",  # Ингушетия
    "IRK": "Asia/Irkutsk",  # Иркутская область
    "IVA": "Europe/Moscow",  # Ивановская область
    "KAM": "Asia/Kamchatka",  # Камчатский край
    "KB": "Europe/Moscow",  # Кабардино-Балкария
    "KC": "Europe/Moscow",  # Карачаево-Черкесия
    "KDA": "Europe/Moscow",  # Краснодарский край
    "KEM": "Asia/Novokuznetsk",  # Кемеровская область
    "KGD": "Europe/Kaliningrad",  # Калининградская область
    "KGN": "Asia/Yekaterinburg",  # Курганская область
    "KHA": "Asia/Vladivostok",  # Хабаровский край
    "KHM": "Asia/Yekaterinburg",  # Ханты-Мансийский АО — Югра
    "KIR": "Europe/Kirov",  # Кировская область
    "KK": "Asia/Krasnoyarsk",  # Хакасия
    "KL": "Europe/Moscow",  # Калмыкия
    "KLU": "Europe/Moscow",  # Калужская область
    "KO": "Europe/Moscow",  # Коми
    "KOS": "Europe/Moscow",  # Костромская область
    "KR": "Europe/Moscow",  # Карелия
    "KRS": "Europe/Moscow",  # Курская область
    "KYA": "Asia/Krasnoyarsk",  # Красноярский край
    "LEN": "Europe/Moscow",  # Ленинградская область
    "LIP": "Europe/Moscow",  # Липецкая область
    "MAG": "Asia/Magadan",  # Магаданская область
    "ME": "Europe/Moscow",  # Марий Эл
    "MO": "Europe/Moscow",  # Мордовия
    "MOS": "Europe/Moscow",  # Московская область
    "MOW": "Europe/Moscow",  # Москва
    "MUR": "Europe/Moscow",  # Мурманская область
    "NEN": "Europe/Moscow",  # Ненецкий АО
    "NGR": "Europe/Moscow",  # Новгородская область
    "NIZ": "Europe/Moscow",  # Нижегородская область
    "NVS": "Asia/Novosibirsk",  # Новосибирская область
    "OMS": "Asia/Omsk",  # Омская область
    "ORE": "Asia/Yekaterinburg",  # Оренбургская область
    "ORL": "Europe/Moscow",  # Орловская область
    "PER": "Asia/Yekaterinburg",  # Пермский край
    "PNZ": "Europe/Moscow",  # Пензенская область
    "PRI": "Asia/Vladivostok",  # Приморский край
    "PSK": "Europe/Moscow",  # Псковская область
    "ROS": "Europe/Moscow",  # Ростовская область
    "RYA": "Europe/Moscow",  # Рязанская область
    "SA": "Asia/Yakutsk",  # Саха (Якутия), по Якутску
    "SAK": "Asia/Sakhalin",  # Сахалинская область
    "SAM": "Europe/Samara",  # Самарская область
    "SAR": "Europe/Saratov",  # Саратовская область
    "SE": "Europe/Moscow",  # Северная Осетия — Алания
    "SMO": "Europe/Moscow",  # Смоленская область
    "SPE": "Europe/Moscow",  # Санкт-Петербург
    "STA": "Europe/Moscow",  # Ставропольский край
    "SVE": "Asia/Yekaterinburg",  # Свердловская область
    "TA": "Europe/Moscow",  # Татарстан
    "TAM": "Europe/Moscow",  # Тамбовская область
    "TOM": "Asia/Tomsk",  # Томская область
    "TUL": "Europe/Moscow",  # Тульская область
    "TVE": "Europe/Moscow",  # Тверская область
    "TY": "Asia/Krasnoyarsk",  # Тыва
    "TYU": "Asia/Yekaterinburg",  # Тюменская область
    "UD": "Europe/Samara",  # Удмуртия
    "ULY": "Europe/Ulyanovsk",  # Ульяновская область
    "VGG": "Europe/Volgograd",  # Волгоградская область
    "VLA": "Europe/Moscow",  # Владимирская область
    "VLG": "Europe/Moscow",  # Вологодская область
    "VOR": "Europe/Moscow",  # Воронежская область
    "YAN": "Asia/Yekaterinburg",  # Ямало-Ненецкий АО
    "YAR": "Europe/Moscow",  # Ярославская область
    "YEV": "Asia/Vladivostok",  # Еврейская АО
    "ZAB": "Asia/Chita",  # Забайкальский край
}

# Region code of the tax authority (the first two digits of an INN or a KPP)
# → region of REGION_ZONES. Codes of regions merged since (80–88) lead to the
# region they joined. Codes not listed here (such as 99, the interregional
# inspectorates of the largest taxpayers) tell no region.
TAX_REGION_CODES = {
    "01": "AD",
    "02": "BA",
    "03": "BU",
    "04": "AL",
    "05": "DA",
    "06": "IN",
    "07": "KB",
    "08": "KL",
    "09": "KC",
    "10": "KR",
    "11": "KO",
    "12": "ME",
    "13": "MO",
    "14": "SA",
    "15": "SE",
    "16": "TA",
    "17": "TY",
    "18": "UD",
    "19": "KK",
    "20": "CE",
    "21": "CU",
    "22": "ALT",
    "23": "KDA",
    "24": "KYA",
    "25": "PRI",
    "26": "STA",
    "27": "KHA",
    "28": "AMU",
    "29": "ARK",
    "30": "AST",
    "31": "BEL",
    "32": "BRY",
    "33": "VLA",
    "34": "VGG",
    "35": "VLG",
    "36": "VOR",
    "37": "IVA",
    "38": "IRK",
    "39": "KGD",
    "40": "KLU",
    "41": "KAM",
    "42": "KEM",
    "43": "KIR",
    "44": "KOS",
    "45": "KGN",
    "46": "KRS",
    "47": "LEN",
    "48": "LIP",
    "49": "MAG",
    "50": "MOS",
    "51": "MUR",
    "52": "NIZ",
    "53": "NGR",
    "54": "NVS",
    "55": "OMS",
    "56": "ORE",
    "57": "ORL",
    "58": "PNZ",
    "59": "PER",
    "60": "PSK",
    "61": "ROS",
    "62": "RYA",
    "63": "SAM",
    "64": "SAR",
    "65": "SAK",
    "66": "SVE",
    "67": "SMO",
    "68": "TAM",
    "69": "TVE",
    "70": "TOM",
    "71": "TUL",
    "72": "TYU",
    "73": "ULY",
    "74": "CHE",
    "75": "ZAB",
    "76": "YAR",
    "77": "MOW",
    "78": "SPE",
    "79": "YEV",
    "80": "ZAB",  # Агинский Бурятский АО
    "81": "PER",  # Коми-Пермяцкий АО
    "82": "KAM",  # Корякский АО
    "83": "NEN",
    "84": "KYA",  # Таймырский АО
    "85": "IRK",  # Усть-Ордынский Бурятский АО
    "86": "KHM",
    "87": "CHU",
    "88": "KYA",  # Эвенкийский АО
    "89": "YAN",
    "97": "MOW",  # Moscow's inspectorates since 2021
}
