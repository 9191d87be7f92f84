"""Demo vocabulary of the synthetic zone: what the generator knows about each pilot zone and
industry belt beyond the hub's reference data (`hub.reference_data`: codes and names), the demo
connector of each department, and the words it draws names and addresses from.

The zone and belt codes here are exactly those of `hub.reference_data` (a unit test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph_schema.model import Department


@dataclass(frozen=True)
class ZoneRef:
    code: str  # a code of hub.reference_data.ZONES
    city: str
    abbreviation: str  # used in case numbers
    division: str  # the city's GB/T 2260 code
    districts: tuple[tuple[str, str], ...]  # (division code, name)
    share: float  # share of the demo zone's enterprises
    modes: tuple[tuple[str, int], ...]  # (customs mode, weight) of its exporters


@dataclass(frozen=True)
class BeltRef:
    code: str  # a code of hub.reference_data.INDUSTRY_BELTS
    zone: str
    nouns: tuple[str, ...]  # what the enterprises of the belt make, for their names
    hs_codes: tuple[str, ...]
    weight: int


ZONES: Final[tuple[ZoneRef, ...]] = (
    ZoneRef(
        code="KAIFENG",
        city="Kaifeng",
        abbreviation="KF",
        division="410200",
        districts=(
            ("410202", "Longting District"),
            ("410203", "Shunhe Hui District"),
            ("410204", "Gulou District"),
            ("410205", "Yuwangtai District"),
            ("410212", "Xiangfu District"),
            ("410221", "Qixian County"),
            ("410222", "Tongxu County"),
            ("410223", "Weishi County"),
            ("410225", "Lankao County"),
        ),
        share=0.35,
        modes=(("9610", 40), ("9710", 30), ("9810", 18), ("1210", 12)),
    ),
    ZoneRef(
        code="XINXIANG",
        city="Xinxiang",
        abbreviation="XX",
        division="410700",
        districts=(
            ("410702", "Hongqi District"),
            ("410703", "Weibin District"),
            ("410704", "Fengquan District"),
            ("410711", "Muye District"),
            ("410721", "Xinxiang County"),
            ("410724", "Huojia County"),
            ("410725", "Yuanyang County"),
            ("410781", "Weihui"),
            ("410782", "Huixian"),
            ("410783", "Changyuan"),
        ),
        share=0.25,
        modes=(("9610", 30), ("9710", 40), ("9810", 20), ("1210", 10)),
    ),
    ZoneRef(
        code="ZHENGZHOU",
        city="Zhengzhou",
        abbreviation="ZZ",
        division="410100",
        districts=(
            ("410102", "Zhongyuan District"),
            ("410103", "Erqi District"),
            ("410104", "Guancheng Hui District"),
            ("410105", "Jinshui District"),
            ("410108", "Huiji District"),
            ("410122", "Zhongmou County"),
            ("410181", "Gongyi"),
            ("410182", "Xingyang"),
            ("410183", "Xinmi"),
            ("410184", "Xinzheng"),
        ),
        share=0.40,
        modes=(("9610", 35), ("9710", 20), ("9810", 15), ("1210", 30)),
    ),
)

# fmt: off
BELTS: Final[tuple[BeltRef, ...]] = (
    # Kaifeng (plan 002)
    BeltRef("KF_INSTRUMENTS", "KAIFENG",
            ("Instrument", "Flow Meter", "Measurement Technology"),
            ("902610", "9026100000", "902810", "903180"), 25),
    BeltRef("KF_HOUSEHOLD", "KAIFENG",
            ("Furniture", "Smart Home", "Aluminium Furniture", "Wood Products"),
            ("940360", "9403609990", "940171", "940179"), 25),
    BeltRef("KF_EQUIPMENT", "KAIFENG",
            ("Air Separation Equipment", "Agricultural Machinery", "Machinery"),
            ("841940", "843320", "842959", "847989"), 20),
    BeltRef("KF_AGRI", "KAIFENG", ("Garlic", "Agricultural Products", "Food"),
            ("070320", "0703200000", "071290", "200599"), 20),
    BeltRef("KF_CULTURAL_ART", "KAIFENG", ("Cultural Creative", "Art Products", "Embroidery"),
            ("970110", "970200", "630491", "442090"), 10),
    # Xinxiang (plan 001)
    BeltRef("XX_FINE_CHEMICALS", "XINXIANG", ("Fine Chemical", "Chemical Materials"),
            ("291511", "293359", "382499"), 12),
    BeltRef("XX_LIFTING_EQUIPMENT", "XINXIANG", ("Crane", "Lifting Equipment", "Hoist"),
            ("842611", "842619", "842519"), 16),
    BeltRef("XX_VIBRATING_SCREENS", "XINXIANG", ("Vibrating Screen", "Screening Machinery"),
            ("847410", "847490"), 10),
    BeltRef("XX_AUTO_PARTS", "XINXIANG", ("Auto Parts", "Filter", "Brake Parts"),
            ("870899", "842123", "870830"), 12),
    BeltRef("XX_TEXTILES_APPAREL", "XINXIANG", ("Textile", "Garment", "Apparel"),
            ("620342", "610910", "520812"), 12),
    BeltRef("XX_FOOD_PROCESSING", "XINXIANG", ("Food", "Noodle", "Snack Foods"),
            ("190230", "190590", "210690"), 10),
    BeltRef("XX_SMART_APPLIANCES", "XINXIANG", ("Smart Appliance", "Electric Appliance"),
            ("851660", "850940", "841810"), 10),
    BeltRef("XX_NEW_ENERGY_BATTERIES", "XINXIANG", ("New Energy", "Battery", "Power Technology"),
            ("850760", "8507600090", "850650"), 10),
    BeltRef("XX_AGRI_SPECIALTIES", "XINXIANG", ("Seed", "Grain", "Agricultural Products"),
            ("100199", "120991", "110100"), 8),
    # Zhengzhou (plausible: 003 names no belts)
    BeltRef("ZZ_APPAREL", "ZHENGZHOU", ("Apparel", "Fashion", "Garment"),
            ("620462", "620342", "611030"), 20),
    BeltRef("ZZ_ELECTRONICS", "ZHENGZHOU",
            ("Electronics", "Smart Device", "Communication Technology"),
            ("851713", "8517130000", "847130", "850440"), 20),
    BeltRef("ZZ_FROZEN_FOOD", "ZHENGZHOU", ("Frozen Food", "Food"),
            ("190220", "1902200000", "160250"), 15),
    BeltRef("ZZ_AUTO_PARTS", "ZHENGZHOU", ("Auto Parts", "Bus Parts", "Automotive"),
            ("870899", "870790", "870829"), 15),
    BeltRef("ZZ_ABRASIVES_REFRACTORIES", "ZHENGZHOU",
            ("Abrasives", "Refractory Materials", "Superhard Materials"),
            ("681020", "690220", "680421", "710510"), 15),
    BeltRef("ZZ_CROSS_BORDER_IMPORT", "ZHENGZHOU",
            ("Import Trading", "Cosmetics", "Maternal and Infant Goods"),
            ("330499", "190110", "330210", "210690"), 15),
)
# fmt: on

SOURCE: Final[dict[Department, str]] = {
    department: department.value.lower().replace("_", "-") + "-demo" for department in Department
}
"""The demo connector id of each department (`samr-demo`), the `source` lineage of what it
sends."""

# --- vocabulary ------------------------------------------------------------------------------
# fmt: off

BRANDS: Final = (
    "Xinda", "Hengyuan", "Huaxing", "Jinhui", "Ruifeng", "Tianyu", "Zhongcheng", "Baosheng",
    "Longxiang", "Yufeng", "Changsheng", "Dingtai", "Fuda", "Guanghua", "Haitong", "Jiahe",
    "Kaiyuan", "Lianchuang", "Mingtai", "Nuoxin", "Pengcheng", "Qianyuan", "Rongsheng",
    "Shengda", "Taifeng", "Wanjia", "Xiangyun", "Yongkang", "Zhonghe", "Bianliang", "Songcheng",
    "Muye", "Shangding", "Zhongyuan", "Huanghe", "Qingming", "Dongfang", "Xinghai", "Yuanhang",
    "Hongtu", "Jiuzhou", "Anda", "Boyuan", "Chuangxin", "Dahua", "Fengyuan", "Hongda",
    "Jinyuan", "Lixin", "Meida", "Ouya", "Puhui", "Sanyuan", "Tongda", "Weiye", "Xinyuan",
)
FORMS: Final = (
    "Co., Ltd.", "Trading Co., Ltd.", "Import & Export Co., Ltd.", "Technology Co., Ltd.",
    "Supply Chain Co., Ltd.", "E-commerce Co., Ltd.", "Industrial Co., Ltd.",
)
SERVICE_NOUNS: Final = (
    "Cross-border E-commerce", "Supply Chain Management", "International Logistics",
    "Foreign Trade Service", "Digital Trade", "Warehousing",
)
SERVICE_HS_CODES: Final = ("392690", "420292", "950300", "630790", "732393", "940540")

SURNAMES: Final = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun",
    "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo", "Liang", "Song", "Zheng", "Xie",
    "Han", "Tang", "Feng", "Yu", "Dong", "Xiao", "Cheng", "Cao", "Yuan", "Deng", "Fu", "Shen",
)
GIVEN: Final = (
    "Wei", "Fang", "Na", "Min", "Jing", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie", "Tao",
    "Ming", "Chao", "Xiuying", "Xia", "Ping", "Gang", "Hui", "Hong", "Qiang", "Lin", "Jian",
    "Xin", "Bo", "Peng", "Dan", "Hao", "Yu", "Kai", "Rui", "Ting", "Zhiqiang", "Haiyan",
    "Guohua", "Jianguo", "Xiaoming", "Lihua", "Wenjie", "Yuxuan", "Zihan", "Shuang",
)
PERSON_REGIONS: Final = (
    "410102", "410103", "410105", "410122", "410181", "410184", "410202", "410204", "410212",
    "410221", "410225", "410702", "410703", "410711", "410724", "410781", "410783", "410302",
    "410502", "410802", "411302", "411502", "411602", "412702",
)
ROADS: Final = (
    "Songcheng", "Zhongshan", "Gulou", "Xinghuaying", "Daliang", "Jinming", "Kaiyuan",
    "Yingbin", "Huanghe", "Renmin", "Hongqi", "Pingyuan", "Xinzhong", "Jianshe", "Shengli",
    "Wenhua", "Jingqi", "Huayuan", "Nongye", "Zhengdong", "Shangdu", "Jinshui", "Dongfeng",
    "Weiwu", "Zijingshan", "Longhu", "Yellow River", "Xinyi", "Keji", "Chuangye",
)
BUILDING_KINDS: Final = (
    "E-commerce Industrial Park", "Business Incubation Centre", "Bonded Zone Office Building",
    "Science Park", "Logistics Park",
)

EXPORT_DESTINATIONS: Final = (
    ("US", 22), ("GB", 8), ("DE", 7), ("FR", 5), ("JP", 6), ("KR", 5), ("RU", 7), ("KZ", 4),
    ("AE", 4), ("SA", 3), ("BR", 4), ("MX", 3), ("AU", 4), ("CA", 4), ("TH", 3), ("VN", 3),
    ("MY", 3), ("SG", 2), ("ID", 2), ("PL", 3), ("ES", 3), ("IT", 3), ("NL", 3), ("UZ", 2),
)
CITIES: Final[dict[str, tuple[str, ...]]] = {
    "US": ("Los Angeles", "New York", "Chicago", "Houston"), "GB": ("London", "Manchester"),
    "DE": ("Hamburg", "Frankfurt"), "FR": ("Paris", "Lyon"), "JP": ("Tokyo", "Osaka"),
    "KR": ("Seoul", "Incheon"), "RU": ("Moscow", "Saint Petersburg"), "KZ": ("Almaty",),
    "AE": ("Dubai",), "SA": ("Riyadh", "Jeddah"), "BR": ("Sao Paulo",), "MX": ("Mexico City",),
    "AU": ("Sydney", "Melbourne"), "CA": ("Toronto", "Vancouver"), "TH": ("Bangkok",),
    "VN": ("Ho Chi Minh City", "Hanoi"), "MY": ("Kuala Lumpur",), "SG": ("Singapore",),
    "ID": ("Jakarta",), "PL": ("Warsaw",), "ES": ("Madrid",), "IT": ("Milan",),
    "NL": ("Rotterdam",), "UZ": ("Tashkent",),
}
FOREIGN_FIRST: Final = (
    "James", "Mary", "John", "Emma", "Oliver", "Sofia", "Lucas", "Anna", "Ivan", "Olga",
    "Ahmed", "Fatima", "Carlos", "Maria", "Hiroshi", "Yuki", "Minjun", "Seoyeon", "Nguyen",
    "Siti", "Piotr", "Giulia", "Lars", "Aigerim",
)
FOREIGN_LAST: Final = (
    "Smith", "Johnson", "Brown", "Muller", "Martin", "Rossi", "Garcia", "Silva", "Ivanov",
    "Petrova", "Tanaka", "Kim", "Park", "Tran", "Kowalski", "Jansen", "Hassan", "Lopez",
)
STREETS: Final = (
    "Main St", "High Street", "Oak Avenue", "Park Road", "Market Street", "Station Road",
    "King Street", "Lake View", "Harbour Road", "Central Avenue",
)
CARRIERS: Final = (
    "China Post", "EMS", "SF Express", "Cainiao", "YunExpress", "4PX", "JD Logistics", "DHL",
    "FedEx", "UPS",
)
LENDERS: Final = (
    "Bank of China Henan Branch", "Industrial and Commercial Bank of China Henan Branch",
    "China Construction Bank Henan Branch", "Agricultural Bank of China Henan Branch",
    "Zhongyuan Bank", "Bank of Zhengzhou", "China Everbright Bank Zhengzhou Branch",
    "Export-Import Bank of China Henan Branch",
)
OFFICER_ROLES: Final = ("GENERAL_MANAGER", "SUPERVISOR", "DIRECTOR", "FINANCE_MANAGER")
# fmt: on
