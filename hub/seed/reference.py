"""Demo vocabulary of the synthetic zone: what the generator knows about each pilot zone and
industry belt beyond the hub's reference data (`hub.reference_data`: codes and names), the demo
connector of each department, and the words it draws names and addresses from.

The zone and belt codes here are exactly those of `hub.reference_data` (a unit test checks it).
Registered names, addresses and case numbers are drawn in Chinese, as the registry and the
departments write them, each name with an English one beside it (`hub.seed.naming`); the
division codes of the places are GB/T 2260 codes (`graph_schema/divisions.json`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from graph_schema.model import Department


@dataclass(frozen=True)
class PlaceRef:
    """A city district, county or county-level city of a zone."""

    code: str  # its GB/T 2260 code
    zh: str  # 龙亭区
    en: str  # Longting District
    district: bool  # a city district: names and addresses put the city before it
    # the code it had before a change, and the first day of the current one (a USCC issued
    # before that day keeps the former code: a code never changes with its district)
    former: tuple[str, dt.date] | None = None

    def code_on(self, day: dt.date) -> str:
        """The division code a USCC issued on `day` carries."""
        if self.former is not None and day < self.former[1]:
            return self.former[0]
        return self.code


@dataclass(frozen=True)
class ZoneRef:
    code: str  # a code of hub.reference_data.ZONES
    city: str  # English: Kaifeng
    city_zh: str  # 开封市
    short_zh: str  # the city's one-character abbreviation in case numbers: 汴
    division: str  # the city's GB/T 2260 code
    places: tuple[PlaceRef, ...]
    roads: tuple[str, ...]  # road names for addresses: 宋城路
    share: float  # share of the demo zone's enterprises
    modes: tuple[tuple[str, int], ...]  # (customs mode, weight) of its exporters

    @property
    def districts(self) -> tuple[tuple[str, str], ...]:
        """(division code, English name) of each place."""
        return tuple((p.code, p.en) for p in self.places)

    @property
    def city_short(self) -> str:
        """开封: the city without 市, as many registered names write it."""
        return self.city_zh.removesuffix("市")


@dataclass(frozen=True)
class BeltRef:
    code: str  # a code of hub.reference_data.INDUSTRY_BELTS
    zone: str
    nouns: tuple[tuple[str, str], ...]  # (Chinese, English) of what its enterprises make
    hs_codes: tuple[str, ...]
    weight: int


def _place(code: str, zh: str, en: str, former: tuple[str, dt.date] | None = None) -> PlaceRef:
    return PlaceRef(code, zh, en, zh.endswith("区"), former)


# fmt: off
ZONES: Final[tuple[ZoneRef, ...]] = (
    ZoneRef(
        code="KAIFENG", city="Kaifeng", city_zh="开封市", short_zh="汴", division="410200",
        places=(
            _place("410202", "龙亭区", "Longting District"),
            _place("410203", "顺河回族区", "Shunhe Hui District"),
            _place("410204", "鼓楼区", "Gulou District"),
            _place("410205", "禹王台区", "Yuwangtai District"),
            _place("410212", "祥符区", "Xiangfu District"),
            _place("410221", "杞县", "Qixian County"),
            _place("410222", "通许县", "Tongxu County"),
            _place("410223", "尉氏县", "Weishi County"),
            _place("410225", "兰考县", "Lankao County"),
        ),
        roads=(
            "宋城路", "中山路", "大梁路", "金明大道", "汉兴路", "郑开大道", "魏都路", "东京大道",
            "晋安路", "五一路", "自由路", "解放路", "迎宾路", "复兴大道", "黄河大街", "开元路",
        ),
        share=0.35,
        modes=(("9610", 40), ("9710", 30), ("9810", 18), ("1210", 12)),
    ),
    ZoneRef(
        code="XINXIANG", city="Xinxiang", city_zh="新乡市", short_zh="新", division="410700",
        places=(
            _place("410702", "红旗区", "Hongqi District"),
            _place("410703", "卫滨区", "Weibin District"),
            _place("410704", "凤泉区", "Fengquan District"),
            _place("410711", "牧野区", "Muye District"),
            _place("410721", "新乡县", "Xinxiang County"),
            _place("410724", "获嘉县", "Huojia County"),
            _place("410725", "原阳县", "Yuanyang County"),
            _place("410781", "卫辉市", "Weihui"),
            _place("410782", "辉县市", "Huixian"),
            # 长垣县 (410728) until it became a county-level city in 2019; the NBS codes list
            # it as 410783 from their 2019-10-31 edition (the day of the change not confirmed)
            _place("410783", "长垣市", "Changyuan", ("410728", dt.date(2019, 10, 31))),
        ),
        roads=(
            "平原路", "人民路", "胜利路", "金穗大道", "华兰大道", "新中大道", "劳动路", "牧野大道",
            "向阳路", "新飞大道", "和平大道", "宏力大道", "东干道", "健康路", "自由路", "荣校路",
        ),
        share=0.25,
        modes=(("9610", 30), ("9710", 40), ("9810", 20), ("1210", 10)),
    ),
    ZoneRef(
        code="ZHENGZHOU", city="Zhengzhou", city_zh="郑州市", short_zh="郑", division="410100",
        places=(
            _place("410102", "中原区", "Zhongyuan District"),
            _place("410103", "二七区", "Erqi District"),
            _place("410104", "管城回族区", "Guancheng Hui District"),
            _place("410105", "金水区", "Jinshui District"),
            _place("410108", "惠济区", "Huiji District"),
            _place("410122", "中牟县", "Zhongmou County"),
            _place("410181", "巩义市", "Gongyi"),
            _place("410182", "荥阳市", "Xingyang"),
            _place("410183", "新密市", "Xinmi"),
            _place("410184", "新郑市", "Xinzheng"),
        ),
        roads=(
            "农业路", "花园路", "金水路", "中州大道", "航海路", "嵩山路", "大学路", "经三路",
            "文化路", "商都路", "建设路", "陇海路", "桐柏路", "紫荆山路", "东风路", "科学大道",
        ),
        share=0.40,
        modes=(("9610", 35), ("9710", 20), ("9810", 15), ("1210", 30)),
    ),
)

BELTS: Final[tuple[BeltRef, ...]] = (
    # Kaifeng (plan 002)
    BeltRef("KF_INSTRUMENTS", "KAIFENG",
            (("仪器仪表", "Instruments"), ("流量计", "Flowmeters"),
             ("测控设备", "Measurement Equipment")),
            ("902610", "9026100000", "902810", "903180"), 25),
    BeltRef("KF_HOUSEHOLD", "KAIFENG",
            (("家具", "Furniture"), ("智能家居", "Smart Home"),
             ("铝合金家具", "Aluminium Furniture"), ("木制品", "Wood Products")),
            ("940360", "9403609990", "940171", "940179"), 25),
    BeltRef("KF_EQUIPMENT", "KAIFENG",
            (("空分设备", "Air Separation Equipment"), ("农业机械", "Agricultural Machinery"),
             ("机械设备", "Machinery")),
            ("841940", "843320", "842959", "847989"), 20),
    BeltRef("KF_AGRI", "KAIFENG",
            (("大蒜", "Garlic"), ("农产品", "Agricultural Products"), ("食品", "Food")),
            ("070320", "0703200000", "071290", "200599"), 20),
    BeltRef("KF_CULTURAL_ART", "KAIFENG",
            (("文化创意", "Cultural Creative"), ("工艺美术品", "Arts & Crafts"),
             ("汴绣", "Bian Embroidery")),
            ("970110", "970200", "630491", "442090"), 10),
    # Xinxiang (plan 001)
    BeltRef("XX_FINE_CHEMICALS", "XINXIANG",
            (("精细化工", "Fine Chemicals"), ("化工原料", "Chemical Materials")),
            ("291511", "293359", "382499"), 12),
    BeltRef("XX_LIFTING_EQUIPMENT", "XINXIANG",
            (("起重机械", "Cranes"), ("起重设备", "Lifting Equipment"),
             ("电动葫芦", "Electric Hoists")),
            ("842611", "842619", "842519"), 16),
    BeltRef("XX_VIBRATING_SCREENS", "XINXIANG",
            (("振动筛", "Vibrating Screens"), ("筛分机械", "Screening Machinery")),
            ("847410", "847490"), 10),
    BeltRef("XX_AUTO_PARTS", "XINXIANG",
            (("汽车零部件", "Auto Parts"), ("滤清器", "Filters"), ("制动器", "Brakes")),
            ("870899", "842123", "870830"), 12),
    BeltRef("XX_TEXTILES_APPAREL", "XINXIANG",
            (("纺织品", "Textiles"), ("服装", "Garments"), ("服饰", "Apparel")),
            ("620342", "610910", "520812"), 12),
    BeltRef("XX_FOOD_PROCESSING", "XINXIANG",
            (("食品", "Food"), ("面制品", "Noodle Products"), ("休闲食品", "Snack Foods")),
            ("190230", "190590", "210690"), 10),
    BeltRef("XX_SMART_APPLIANCES", "XINXIANG",
            (("智能家电", "Smart Appliances"), ("电器", "Electric Appliances")),
            ("851660", "850940", "841810"), 10),
    BeltRef("XX_NEW_ENERGY_BATTERIES", "XINXIANG",
            (("新能源", "New Energy"), ("电池", "Batteries"), ("电源", "Power Supplies")),
            ("850760", "8507600090", "850650"), 10),
    BeltRef("XX_AGRI_SPECIALTIES", "XINXIANG",
            (("种业", "Seeds"), ("粮油", "Grain & Oil"), ("农产品", "Agricultural Products")),
            ("100199", "120991", "110100"), 8),
    # Zhengzhou (plausible: 003 names no belts)
    BeltRef("ZZ_APPAREL", "ZHENGZHOU",
            (("服饰", "Apparel"), ("时装", "Fashion"), ("服装", "Garments")),
            ("620462", "620342", "611030"), 20),
    BeltRef("ZZ_ELECTRONICS", "ZHENGZHOU",
            (("电子", "Electronics"), ("智能终端", "Smart Devices"),
             ("通信设备", "Communication Equipment")),
            ("851713", "8517130000", "847130", "850440"), 20),
    BeltRef("ZZ_FROZEN_FOOD", "ZHENGZHOU", (("速冻食品", "Frozen Food"), ("食品", "Food")),
            ("190220", "1902200000", "160250"), 15),
    BeltRef("ZZ_AUTO_PARTS", "ZHENGZHOU",
            (("汽车配件", "Auto Parts"), ("客车配件", "Bus Parts"),
             ("汽车零部件", "Automotive Components")),
            ("870899", "870790", "870829"), 15),
    BeltRef("ZZ_ABRASIVES_REFRACTORIES", "ZHENGZHOU",
            (("磨料磨具", "Abrasives"), ("耐火材料", "Refractories"),
             ("超硬材料", "Superhard Materials")),
            ("681020", "690220", "680421", "710510"), 15),
    BeltRef("ZZ_CROSS_BORDER_IMPORT", "ZHENGZHOU",
            (("进口商品", "Imported Goods"), ("化妆品", "Cosmetics"),
             ("母婴用品", "Baby Products")),
            ("330499", "190110", "330210", "210690"), 15),
)
# fmt: on

SOURCE: Final[dict[Department, str]] = {
    department: department.value.lower().replace("_", "-") + "-demo" for department in Department
}
"""The demo connector id of each department (`samr-demo`), the `source` lineage of what it
sends."""

# --- registered names ------------------------------------------------------------------------
# A registered name is 行政区划 + 字号 + 行业 + 组织形式 (place, trade name, industry, form); the
# English name beside it follows the same order.
# fmt: off

# Trade names (字号) are two characters, a head and a tail, each with its pinyin.
BRAND_HEADS: Final = (
    ("鑫", "xin"), ("恒", "heng"), ("华", "hua"), ("宏", "hong"), ("瑞", "rui"), ("天", "tian"),
    ("中", "zhong"), ("宝", "bao"), ("龙", "long"), ("裕", "yu"), ("长", "chang"), ("鼎", "ding"),
    ("富", "fu"), ("光", "guang"), ("海", "hai"), ("嘉", "jia"), ("开", "kai"), ("联", "lian"),
    ("明", "ming"), ("诺", "nuo"), ("鹏", "peng"), ("乾", "qian"), ("荣", "rong"), ("盛", "sheng"),
    ("泰", "tai"), ("万", "wan"), ("祥", "xiang"), ("永", "yong"), ("尚", "shang"), ("东", "dong"),
    ("星", "xing"), ("远", "yuan"), ("九", "jiu"), ("安", "an"), ("博", "bo"), ("大", "da"),
    ("丰", "feng"), ("金", "jin"), ("立", "li"), ("美", "mei"), ("欧", "ou"), ("普", "pu"),
    ("通", "tong"), ("伟", "wei"), ("德", "de"), ("汇", "hui"), ("佳", "jia"), ("润", "run"),
)
BRAND_TAILS: Final = (
    ("达", "da"), ("源", "yuan"), ("兴", "xing"), ("辉", "hui"), ("丰", "feng"), ("宇", "yu"),
    ("诚", "cheng"), ("盛", "sheng"), ("翔", "xiang"), ("泰", "tai"), ("华", "hua"), ("通", "tong"),
    ("和", "he"), ("元", "yuan"), ("创", "chuang"), ("程", "cheng"), ("信", "xin"), ("康", "kang"),
    ("业", "ye"), ("鼎", "ding"), ("远", "yuan"), ("图", "tu"), ("博", "bo"), ("利", "li"),
    ("顺", "shun"), ("隆", "long"), ("邦", "bang"), ("瑞", "rui"), ("泽", "ze"), ("安", "an"),
    ("润", "run"), ("锦", "jin"), ("森", "sen"), ("航", "hang"), ("腾", "teng"), ("昌", "chang"),
)
# What an enterprise outside the belts does (行业), and what a company adds to its industry.
SERVICE_NOUNS: Final = (
    ("跨境电子商务", "Cross-border E-commerce"), ("供应链管理", "Supply Chain Management"),
    ("国际物流", "International Logistics"), ("外贸综合服务", "Foreign Trade Services"),
    ("数字贸易", "Digital Trade"), ("仓储服务", "Warehousing Services"),
)
ACTIVITIES: Final = (
    ("", "", 30), ("科技", "Technology", 16), ("贸易", "Trading", 14),
    ("进出口", "Import & Export", 12), ("制造", "Manufacturing", 8), ("实业", "Industrial", 6),
    ("电子商务", "E-commerce", 8), ("供应链", "Supply Chain", 6),
)
# Company forms under the Company Law: limited liability (有限公司 or 有限责任公司) and joint
# stock (股份有限公司).
COMPANY_FORMS: Final = (
    ("有限公司", "Co., Ltd.", 80), ("有限责任公司", "Co., Ltd.", 17),
    ("股份有限公司", "Corporation Limited", 3),
)
# An individual business (个体工商户) names its line and a shop form, never 公司 or 企业.
SHOP_LINES: Final = (
    ("日用品", "Daily Goods"), ("服装", "Clothing"), ("电子产品", "Electronics"),
    ("五金", "Hardware"), ("工艺品", "Handicrafts"), ("农副产品", "Farm Produce"),
    ("百货", "General Merchandise"), ("网络科技", "Online Technology"),
    ("电子商务", "E-commerce"), ("食品", "Food"),
)
SHOP_FORMS: Final = (
    ("店", "Store"), ("商行", "Trading Firm"), ("经营部", "Business Department"),
    ("工作室", "Studio"), ("经销部", "Sales Department"),
)
# A farmers' cooperative names what its members grow and ends in 专业合作社.
COOP_LINES: Final = (
    ("大蒜种植", "Garlic Growing"), ("蔬菜种植", "Vegetable Growing"),
    ("花生种植", "Peanut Growing"), ("小麦种植", "Wheat Growing"), ("果蔬", "Fruit & Vegetable"),
    ("农机", "Farm Machinery"), ("种植", "Crop Growing"),
)
COOP_FORM: Final = ("专业合作社", "Professional Cooperative")
SERVICE_HS_CODES: Final = ("392690", "420292", "950300", "630790", "732393", "940540")

# --- persons ---------------------------------------------------------------------------------

SURNAMES_ZH: Final = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
    ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"), ("林", "Lin"), ("何", "He"), ("郭", "Guo"),
    ("马", "Ma"), ("罗", "Luo"), ("梁", "Liang"), ("宋", "Song"), ("郑", "Zheng"), ("谢", "Xie"),
    ("韩", "Han"), ("唐", "Tang"), ("冯", "Feng"), ("于", "Yu"), ("董", "Dong"), ("肖", "Xiao"),
    ("程", "Cheng"), ("曹", "Cao"), ("袁", "Yuan"), ("邓", "Deng"), ("付", "Fu"), ("沈", "Shen"),
    ("牛", "Niu"), ("闫", "Yan"), ("常", "Chang"), ("史", "Shi"), ("岳", "Yue"), ("翟", "Zhai"),
)
GIVEN_ZH: Final = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"),
    ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("涛", "Tao"),
    ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"),
    ("刚", "Gang"), ("辉", "Hui"), ("红", "Hong"), ("强", "Qiang"), ("建", "Jian"), ("鑫", "Xin"),
    ("波", "Bo"), ("鹏", "Peng"), ("丹", "Dan"), ("浩", "Hao"), ("宇", "Yu"), ("凯", "Kai"),
    ("瑞", "Rui"), ("婷", "Ting"), ("志强", "Zhiqiang"), ("海燕", "Haiyan"), ("国华", "Guohua"),
    ("建国", "Jianguo"), ("晓明", "Xiaoming"), ("丽华", "Lihua"), ("文杰", "Wenjie"),
    ("雨轩", "Yuxuan"), ("子涵", "Zihan"), ("爽", "Shuang"), ("玉兰", "Yulan"), ("桂英", "Guiying"),
)
# Where the persons' ID numbers were issued: codes of the time (长垣县 410728, not 长垣市).
PERSON_REGIONS: Final = (
    "410102", "410103", "410105", "410122", "410181", "410184", "410202", "410204", "410212",
    "410221", "410225", "410702", "410703", "410711", "410724", "410781", "410728", "410302",
    "410502", "410802", "411302", "411502", "411602", "412702",
)

# --- addresses -------------------------------------------------------------------------------

BUILDINGS_ZH: Final = (
    "电子商务产业园", "创业孵化中心", "跨境电商产业园", "科技园", "物流园", "总部港",
)

# --- case numbers ----------------------------------------------------------------------------

_YEAR: Final = "\u3014{year}\u3015"  # the year in tortoise-shell brackets, as decisions put it
CASE_NUMBERS: Final[dict[Department, str]] = {
    # the anti-smuggling bureau of Zhengzhou customs decides Henan's customs violations
    Department.CUSTOMS: "郑关缉违字" + _YEAR + "{n}号",
    # a city tax bureau's inspection bureau (汴税稽罚, year, number)
    Department.TAX: "{short}税稽罚" + _YEAR + "{n}号",
    # a city market regulation bureau (汴市监罚字, year, number)
    Department.SAMR: "{short}市监罚字" + _YEAR + "{n}号",
    # SAFE's Henan branch (a plausible form, not confirmed)
    Department.SAFE: "豫汇检罚" + _YEAR + "{n}号",
    # a city commerce bureau (a plausible form, not confirmed)
    Department.COMMERCE: "{short}商务罚" + _YEAR + "{n}号",
}
"""The form of a penalty decision's number by deciding department: `{short}` the zone's city
abbreviation, `{year}` the year decided, `{n}` the department's running number in that year."""
COURT_CASE: Final = "\uff08{year}\uff09豫{court}执{n}号"
"""An enforcement case of a basic court, as the Supreme People's Court's rules on case numbers
(2015) form them: the year in full-width parentheses, 豫 and the court's code (the last four
digits of its county's division code: 豫0202 is the court of 龙亭区), 执 and the number."""

# --- abroad and finance ----------------------------------------------------------------------
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
