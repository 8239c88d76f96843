"""Kaohsiung City's agencies, units and districts: the reference city.

Sources: the organisation of the Kaohsiung City Government and its 38 districts (postal
codes from Chunghwa Post), and the units named in the RDEC 2018 performance report and in
the Open1999 dispatch lists (養工處, 水利局, 環保局, 交通局, 警察局, 動物保護處, 台電…).
District coordinates are approximate locations of the district offices, to place demo
records on a map; they are not survey data.
"""

from __future__ import annotations

# (code, name_zh, name_en, short_name_zh)
FIRST_LEVEL = [
    ("secretariat", "高雄市政府秘書處", "Secretariat", "秘書處"),
    ("civil-affairs", "高雄市政府民政局", "Civil Affairs Bureau", "民政局"),
    ("finance", "高雄市政府財政局", "Finance Bureau", "財政局"),
    ("education", "高雄市政府教育局", "Education Bureau", "教育局"),
    ("economic-development", "高雄市政府經濟發展局", "Economic Development Bureau", "經發局"),
    ("marine", "高雄市政府海洋局", "Marine Bureau", "海洋局"),
    ("agriculture", "高雄市政府農業局", "Agriculture Bureau", "農業局"),
    ("tourism", "高雄市政府觀光局", "Tourism Bureau", "觀光局"),
    ("urban-development", "高雄市政府都市發展局", "Urban Development Bureau", "都發局"),
    ("public-works", "高雄市政府工務局", "Public Works Bureau", "工務局"),
    ("water-resources", "高雄市政府水利局", "Water Resources Bureau", "水利局"),
    ("social-affairs", "高雄市政府社會局", "Social Affairs Bureau", "社會局"),
    ("labor", "高雄市政府勞工局", "Labor Affairs Bureau", "勞工局"),
    ("police", "高雄市政府警察局", "Police Department", "警察局"),
    ("health", "高雄市政府衛生局", "Department of Health", "衛生局"),
    ("environmental-protection", "高雄市政府環境保護局", "Environmental Protection Bureau",
     "環保局"),
    ("culture", "高雄市政府文化局", "Cultural Affairs Bureau", "文化局"),
    ("transportation", "高雄市政府交通局", "Transportation Bureau", "交通局"),
    ("mrt", "高雄市政府捷運工程局", "Mass Rapid Transit Bureau", "捷運局"),
    ("fire", "高雄市政府消防局", "Fire Bureau", "消防局"),
    ("land", "高雄市政府地政局", "Land Administration Bureau", "地政局"),
    ("legal-affairs", "高雄市政府法制局", "Legal Affairs Bureau", "法制局"),
    ("information", "高雄市政府新聞局", "Information Bureau", "新聞局"),
    ("indigenous-peoples", "高雄市政府原住民事務委員會", "Indigenous Peoples Commission",
     "原民會"),
    ("hakka", "高雄市政府客家事務委員會", "Hakka Affairs Commission", "客委會"),
    ("rdec", "高雄市政府研究發展考核委員會",
     "Research, Development and Evaluation Commission", "研考會"),
    ("youth", "高雄市政府青年局", "Youth Bureau", "青年局"),
    ("sports", "高雄市政府運動發展局", "Sports Development Bureau", "運發局"),
    ("personnel", "高雄市政府人事處", "Department of Personnel", "人事處"),
    ("budget-accounting", "高雄市政府主計處", "Department of Budget, Accounting and Statistics",
     "主計處"),
    ("ethics", "高雄市政府政風處", "Department of Civil Service Ethics", "政風處"),
]

# (code, parent code, name_zh, name_en, short_name_zh)
SECOND_LEVEL = [
    ("pwb-maintenance", "public-works", "高雄市政府工務局養護工程處",
     "Maintenance Engineering Office, Public Works Bureau", "養工處"),
    ("pwb-new-construction", "public-works", "高雄市政府工務局新建工程處",
     "New Construction Office, Public Works Bureau", "新工處"),
    ("pwb-building", "public-works", "高雄市政府工務局建築管理處",
     "Building Management Office, Public Works Bureau", "建管處"),
    ("animal-protection", "agriculture", "高雄市動物保護處", "Animal Protection Office",
     "動物保護處"),
    ("tax", "finance", "高雄市稅捐稽徵處", "Tax Collection Office", "稅捐處"),
    ("funeral", "civil-affairs", "高雄市殯葬管理處", "Funeral Administration Office",
     "殯葬管理處"),
    ("household-sanmin-2", "civil-affairs", "高雄市三民區第二戶政事務所",
     "Sanmin District Second Household Registration Office", "三民二戶"),
    ("labor-training", "labor", "高雄市政府勞工局訓練就業中心",
     "Training and Employment Center, Labor Affairs Bureau", "訓練就業中心"),
    ("civil-service-development", "personnel", "高雄市政府公務人力發展中心",
     "Civil Service Development Center", "人發中心"),
    ("health-liugui", "health", "高雄市六龜區衛生所", "Liouguei District Health Center",
     "六龜區衛生所"),
    ("traffic-engineering", "transportation", "高雄市政府交通局交通工程科",
     "Traffic Engineering Section, Transportation Bureau", "交工科"),
    ("flood-control", "water-resources", "高雄市政府水利局防洪維護科",
     "Flood Control and Maintenance Section, Water Resources Bureau", "防洪維護科"),
]

# (code, parent code, name_zh, name_en, short_name_zh)
ENTERPRISES = [
    ("pawnshop", "finance", "高雄市動產質借所", "Kaohsiung Municipal Pawnshop", "動產質借所"),
    ("ferry", "transportation", "高雄市輪船股份有限公司", "Kaohsiung Ferry Company",
     "輪船公司"),
]

# (code, name_zh, name_en, short_name_zh)
OUTSIDE_UNITS = [
    ("taipower", "台灣電力公司高雄區營業處", "Taipower, Kaohsiung District Office", "台電公司"),
    ("water-company", "台灣自來水公司第七區管理處",
     "Taiwan Water Corporation, 7th Branch", "自來水公司"),
    ("chunghwa-telecom", "中華電信高雄營運處", "Chunghwa Telecom, Kaohsiung Branch",
     "中華電信公司"),
    ("shin-kao-gas", "欣高石油氣股份有限公司", "Shin Kao Gas Co.", "欣高瓦斯"),
    ("shin-shiung-gas", "欣雄天然氣股份有限公司", "Shin Shiung Natural Gas Co.", "欣雄瓦斯"),
]

# (postal code, name_zh, name_en, latitude, longitude) — the 38 districts
DISTRICTS = [
    ("800", "新興區", "Sinsing", 22.6310, 120.3095),
    ("801", "前金區", "Cianjin", 22.6274, 120.2945),
    ("802", "苓雅區", "Lingya", 22.6218, 120.3120),
    ("803", "鹽埕區", "Yancheng", 22.6245, 120.2850),
    ("804", "鼓山區", "Gushan", 22.6400, 120.2760),
    ("805", "旗津區", "Cijin", 22.6100, 120.2700),
    ("806", "前鎮區", "Cianjhen", 22.5960, 120.3140),
    ("807", "三民區", "Sanmin", 22.6470, 120.3150),
    ("811", "楠梓區", "Nanzih", 22.7280, 120.3260),
    ("812", "小港區", "Siaogang", 22.5650, 120.3530),
    ("813", "左營區", "Zuoying", 22.6800, 120.2950),
    ("814", "仁武區", "Renwu", 22.7010, 120.3470),
    ("815", "大社區", "Dashe", 22.7300, 120.3470),
    ("820", "岡山區", "Gangshan", 22.7970, 120.2950),
    ("821", "路竹區", "Lujhu", 22.8560, 120.2610),
    ("822", "阿蓮區", "Alian", 22.8830, 120.3270),
    ("823", "田寮區", "Tianliao", 22.8690, 120.3600),
    ("824", "燕巢區", "Yanchao", 22.7930, 120.3620),
    ("825", "橋頭區", "Ciaotou", 22.7580, 120.3060),
    ("826", "梓官區", "Zihguan", 22.7600, 120.2670),
    ("827", "彌陀區", "Mituo", 22.7820, 120.2470),
    ("828", "永安區", "Yong-an", 22.8180, 120.2250),
    ("829", "湖內區", "Hunei", 22.9080, 120.2110),
    ("830", "鳳山區", "Fongshan", 22.6270, 120.3570),
    ("831", "大寮區", "Daliao", 22.6050, 120.3950),
    ("832", "林園區", "Linyuan", 22.5010, 120.3920),
    ("833", "鳥松區", "Niaosong", 22.6590, 120.3640),
    ("840", "大樹區", "Dashu", 22.6930, 120.4330),
    ("842", "旗山區", "Cishan", 22.8880, 120.4830),
    ("843", "美濃區", "Meinong", 22.8980, 120.5420),
    ("844", "六龜區", "Liouguei", 22.9980, 120.6330),
    ("845", "內門區", "Neimen", 22.9440, 120.4620),
    ("846", "杉林區", "Shanlin", 22.9710, 120.5390),
    ("847", "甲仙區", "Jiasian", 23.0840, 120.5880),
    ("848", "桃源區", "Taoyuan", 23.1590, 120.7640),
    ("849", "那瑪夏區", "Namasia", 23.2170, 120.6940),
    ("851", "茂林區", "Maolin", 22.8860, 120.6630),
    ("852", "茄萣區", "Ciedin", 22.9060, 120.1830),
]
