"""Vietnamese name and place data for the generator, with rough real-world frequencies.

Kept as plain tuples of (value, weight) so the generator can expand them once into lookup tables.
"""

from __future__ import annotations

# Family names: Nguyễn ~38%, then the usual long tail.
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.5), ("Huỳnh", 2.5),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 2.4), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.7), ("Lương", 0.5), ("Mai", 0.5),
    ("Đào", 0.5), ("Cao", 0.4), ("Tạ", 0.3), ("Hà", 0.5), ("Lâm", 0.3), ("Tô", 0.2), ("Chu", 0.2),
    ("Vương", 0.2), ("Quách", 0.15), ("Lò", 0.15), ("Lục", 0.1), ("Triệu", 0.2), ("Kiều", 0.1), ("Thạch", 0.1),
)

MIDDLE_MALE: tuple[tuple[str, float], ...] = (
    ("Văn", 40.0), ("Hữu", 6.0), ("Đức", 8.0), ("Minh", 8.0), ("Quang", 5.0), ("Thanh", 4.0), ("Xuân", 3.0),
    ("Công", 4.0), ("Đình", 5.0), ("Ngọc", 3.0), ("Trọng", 3.0), ("Anh", 2.0), ("Tuấn", 1.5), ("Việt", 1.5),
    ("Quốc", 3.0), ("Hoàng", 2.0), ("Mạnh", 1.5), ("Duy", 2.0), ("Tiến", 1.0), ("Bá", 1.5),
)
MIDDLE_FEMALE: tuple[tuple[str, float], ...] = (
    ("Thị", 55.0), ("Ngọc", 7.0), ("Thanh", 5.0), ("Thu", 5.0), ("Minh", 3.0), ("Thị Thu", 3.0),
    ("Thị Thanh", 3.0), ("Thị Kim", 2.0), ("Phương", 3.0), ("Hồng", 3.0), ("Kim", 2.0), ("Bích", 2.0),
    ("Thùy", 2.0), ("Mai", 1.5), ("Diệu", 1.0), ("Khánh", 1.5), ("Hải", 1.0),
)

GIVEN_MALE: tuple[str, ...] = (
    "An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Dương", "Đạt", "Định", "Đông", "Đức",
    "Giang", "Hải", "Hào", "Hiếu", "Hiệp", "Hòa", "Hoàng", "Hùng", "Huy", "Hưng", "Khang", "Khánh", "Khoa",
    "Kiên", "Lâm", "Lân", "Linh", "Long", "Lộc", "Lợi", "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Ninh",
    "Phong", "Phúc", "Phương", "Quân", "Quang", "Quốc", "Quý", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thanh",
    "Thạch", "Thiện", "Thịnh", "Thông", "Toàn", "Trí", "Trung", "Trường", "Tú", "Tuấn", "Tùng", "Vinh", "Việt",
    "Vũ", "Hậu", "Hiển", "Khải", "Tiến", "Tân", "Thái", "Sang", "Kiệt", "Bắc", "Tuyến", "Lực", "Đoàn",
)
GIVEN_FEMALE: tuple[str, ...] = (
    "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Dung", "Diệp", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hòa", "Hồng", "Huệ", "Hương", "Hường", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My",
    "Nga", "Ngân", "Ngọc", "Nhung", "Nhàn", "Oanh", "Phương", "Quỳnh", "Sen", "Tâm", "Thảo", "Thoa", "Thủy",
    "Thúy", "Thư", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hậu", "Nhi", "Lệ", "Gấm",
    "Khuyên", "Đào", "Thắm", "Lụa", "Hạ",
)

ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("Kinh", 85.3), ("Tày", 1.9), ("Thái", 1.9), ("Mường", 1.5), ("Khmer", 1.3), ("Hoa", 0.8), ("Nùng", 1.1),
    ("H'Mông", 1.2), ("Dao", 0.9), ("Gia Rai", 0.5), ("Ê Đê", 0.4), ("Ba Na", 0.3), ("Sán Chay", 0.2),
    ("Chăm", 0.2), ("Cơ Ho", 0.2), ("Xơ Đăng", 0.2), ("Sán Dìu", 0.2), ("Hrê", 0.1), ("Ra Glai", 0.1),
    ("Mnông", 0.1), ("Thổ", 0.1), ("Xtiêng", 0.1), ("Khơ Mú", 0.1), ("Bru - Vân Kiều", 0.1), ("Cơ Tu", 0.1),
)
RELIGIONS: tuple[tuple[str, float], ...] = (
    ("", 93.0), ("Phật giáo", 4.0), ("Công giáo", 1.5), ("Tin Lành", 0.4), ("Cao Đài", 0.5), ("Phật giáo Hòa Hảo", 0.5),
    ("Hồi giáo", 0.1),
)
EDUCATION: tuple[tuple[str, float], ...] = (
    ("Trung học phổ thông", 25.0), ("Trung cấp", 12.0), ("Cao đẳng", 8.0), ("Đại học", 40.0), ("Thạc sĩ", 10.0),
    ("Tiến sĩ", 2.0), ("Trung học cơ sở", 3.0),
)
OCCUPATIONS: tuple[tuple[str, float], ...] = (
    ("Cán bộ, công chức", 22.0), ("Viên chức", 14.0), ("Giáo viên", 9.0), ("Bác sĩ", 3.0), ("Công nhân", 6.0),
    ("Nông dân", 10.0), ("Lực lượng vũ trang", 8.0), ("Hưu trí", 17.0), ("Sinh viên", 1.5), ("Doanh nhân", 2.0),
    ("Kỹ sư", 3.0), ("Nhân viên văn phòng", 3.0), ("Kinh doanh cá thể", 1.5),
)

# The 34 provinces and cities after the merger of 1 July 2025: (name prefix, name, old citizen-ID province
# codes of the provinces merged into it, relative party membership weight).
PROVINCES: tuple[tuple[str, str, tuple[int, ...], float], ...] = (
    ("thành phố", "Hà Nội", (1,), 480.0),
    ("thành phố", "Huế", (46,), 55.0),
    ("thành phố", "Hải Phòng", (31, 30), 210.0),
    ("thành phố", "Đà Nẵng", (48, 49), 110.0),
    ("", "Thành phố Hồ Chí Minh", (79, 74, 77), 330.0),
    ("thành phố", "Cần Thơ", (92, 94, 93), 95.0),
    ("tỉnh", "Lai Châu", (12,), 25.0),
    ("tỉnh", "Điện Biên", (11,), 35.0),
    ("tỉnh", "Sơn La", (14,), 75.0),
    ("tỉnh", "Lạng Sơn", (20,), 55.0),
    ("tỉnh", "Quảng Ninh", (22,), 110.0),
    ("tỉnh", "Thanh Hóa", (38,), 210.0),
    ("tỉnh", "Nghệ An", (40,), 200.0),
    ("tỉnh", "Hà Tĩnh", (42,), 95.0),
    ("tỉnh", "Cao Bằng", (4,), 40.0),
    ("tỉnh", "Tuyên Quang", (8, 2), 70.0),
    ("tỉnh", "Lào Cai", (10, 15), 80.0),
    ("tỉnh", "Thái Nguyên", (19, 6), 100.0),
    ("tỉnh", "Phú Thọ", (25, 26, 17), 190.0),
    ("tỉnh", "Bắc Ninh", (27, 24), 150.0),
    ("tỉnh", "Hưng Yên", (33, 34), 160.0),
    ("tỉnh", "Ninh Bình", (37, 35, 36), 200.0),
    ("tỉnh", "Quảng Trị", (45, 44), 90.0),
    ("tỉnh", "Quảng Ngãi", (51, 62), 90.0),
    ("tỉnh", "Gia Lai", (64, 52), 110.0),
    ("tỉnh", "Khánh Hòa", (56, 58), 65.0),
    ("tỉnh", "Lâm Đồng", (68, 67, 60), 110.0),
    ("tỉnh", "Đắk Lắk", (66, 54), 90.0),
    ("tỉnh", "Đồng Nai", (75, 70), 110.0),
    ("tỉnh", "Tây Ninh", (72, 80), 100.0),
    ("tỉnh", "Vĩnh Long", (86, 83, 84), 120.0),
    ("tỉnh", "Đồng Tháp", (87, 82), 95.0),
    ("tỉnh", "Cà Mau", (96, 95), 70.0),
    ("tỉnh", "An Giang", (89, 91), 110.0),
)

# Central blocs directly under the Centre: (name, relative membership weight, establishing decision, date).
CENTRAL_BLOCS: tuple[tuple[str, float, str, str], ...] = (
    ("Đảng bộ các cơ quan Đảng Trung ương", 60.0, "242-QĐ/TW", "2025-01-24"),
    ("Đảng bộ Chính phủ", 209.0, "244-QĐ/TW", "2025-01-24"),
    ("Đảng bộ Quân đội", 250.0, "", ""),
    ("Đảng bộ Công an Trung ương", 200.0, "", ""),
    ("Đảng bộ Quốc hội", 8.0, "243-QĐ/TW", "2025-01-24"),
    ("Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương", 12.0, "245-QĐ/TW", "2025-01-24"),
)

# Committees under the central blocs (intermediate level): agencies, ministries, services.
BLOC_UNITS: dict[str, tuple[str, ...]] = {
    "Đảng bộ các cơ quan Đảng Trung ương": (
        "Văn phòng Trung ương Đảng", "Ban Tuyên giáo và Dân vận Trung ương", "Ủy ban Kiểm tra Trung ương",
        "Ban Chính sách, chiến lược Trung ương", "Ban Nội chính Trung ương", "Báo Nhân Dân", "Tạp chí Cộng sản",
        "Học viện Chính trị quốc gia Hồ Chí Minh",
    ),
    "Đảng bộ Chính phủ": (
        "Bộ Giao thông vận tải", "Bộ Tài chính", "Bộ Công Thương", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng",
        "Bộ Giáo dục và Đào tạo", "Bộ Y tế", "Bộ Khoa học và Công nghệ", "Bộ Nội vụ", "Bộ Tư pháp",
        "Bộ Văn hóa, Thể thao và Du lịch", "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ", "Bộ Ngoại giao",
        "Tập đoàn Điện lực Việt Nam", "Tập đoàn Dầu khí Việt Nam", "Tập đoàn Công nghiệp - Viễn thông Quân đội",
    ),
    "Đảng bộ Quân đội": (
        "Quân khu 1", "Quân khu 2", "Quân khu 3", "Quân khu 4", "Quân khu 5", "Quân khu 7", "Quân khu 9",
        "Quân chủng Hải quân", "Quân chủng Phòng không - Không quân", "Bộ đội Biên phòng", "Bộ Tổng Tham mưu",
        "Tổng cục Chính trị",
    ),
    "Đảng bộ Công an Trung ương": (
        "Cục An ninh chính trị nội bộ", "Cục Cảnh sát giao thông", "Cục Cảnh sát hình sự",
        "Bộ Tư lệnh Cảnh sát cơ động", "Học viện An ninh nhân dân", "Học viện Cảnh sát nhân dân",
        "Cục Quản lý xuất nhập cảnh",
    ),
    "Đảng bộ Quốc hội": (
        "Văn phòng Quốc hội", "Kiểm toán Nhà nước", "Hội đồng Dân tộc",
    ),
    "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương": (
        "Cơ quan Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Trung ương Hội Liên hiệp Phụ nữ Việt Nam", "Tổng Liên đoàn Lao động Việt Nam",
    ),
}

# Place-name parts for communes, wards, villages.
PLACE_NAMES: tuple[str, ...] = (
    "Tân Lập", "Hòa Bình", "Thống Nhất", "Quang Trung", "Đông Hải", "Tây Sơn", "Bình Minh", "An Phú", "Phú Lợi",
    "Tân Tiến", "Hồng Phong", "Minh Khai", "Trung Sơn", "Thanh Bình", "Vĩnh Hòa", "Phước Long", "Đồng Tâm",
    "Kim Liên", "Hưng Đạo", "Lê Lợi", "Hạ Long", "Cẩm Phả", "Yên Hưng", "Đông Triều", "Nam Sơn", "Bắc Sơn",
    "Hải Hà", "Tiên Yên", "Cô Tô", "Vân Đồn", "Phú Mỹ", "Long Hải", "Tam Kỳ", "Gio Linh", "Vĩnh Linh",
    "Đông Hà", "Triệu Phong", "Hải Lăng", "Cam Lộ", "Hướng Hóa", "Lạc Long", "Phong Châu", "Hoàn Kiếm",
    "Ba Đình", "Tây Hồ", "Cầu Giấy", "Long Biên", "Bến Thành", "Sài Gòn", "Tân Định", "Xuân Hòa", "Đức Thắng",
    "Thái Hòa", "Hương Sơn", "Mỹ Đức", "Ninh Hiệp", "Đại Đồng", "Tân Hội", "Cát Hải", "An Dương", "Thủy Nguyên",
)

GRASSROOTS_KINDS: tuple[str, ...] = (
    "Trường Trung học phổ thông {p}", "Trường Trung học cơ sở {p}", "Trường Tiểu học {p}", "Trung tâm Y tế {p}",
    "Bệnh viện Đa khoa {p}", "Công ty Cổ phần {p}", "Công ty TNHH Một thành viên {p}", "Hợp tác xã {p}",
    "Công an xã {p}", "Quân sự xã {p}", "Ngân hàng Nông nghiệp chi nhánh {p}", "Ủy ban nhân dân {p}",
    "Trung tâm Phục vụ hành chính công {p}", "Điện lực {p}",
)
CELL_KINDS: tuple[str, ...] = (
    "Chi bộ thôn {p}", "Chi bộ khu phố {n}", "Chi bộ tổ dân phố số {n}", "Chi bộ Phòng Tổ chức - Hành chính",
    "Chi bộ Phòng Kế hoạch - Tài chính", "Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại", "Chi bộ Tổ Ngữ văn",
    "Chi bộ Tổ Khoa học tự nhiên", "Chi bộ Phân xưởng {n}", "Chi bộ Đội sản xuất {n}", "Chi bộ Văn phòng",
    "Chi bộ Phòng Kỹ thuật", "Chi bộ số {n}", "Chi bộ Hưu trí {n}", "Chi bộ ấp {p}", "Chi bộ bản {p}",
)

# The 63 provinces and cities before 1 July 2025, by citizen-ID province code: (name prefix, name, date the
# province (and its party committee) took its pre-2025 shape, relative party membership weight within the
# province it went into). Resolution 202/2025/QH15 of 12 June 2025 grouped them into the 34 above: each entry
# of PROVINCES lists its old codes, the first being the province whose name the merged one keeps.
OLD_PROVINCES: dict[int, tuple[str, str, str, float]] = {
    1: ("thành phố", "Hà Nội", "1976-07-02", 1.0),
    2: ("tỉnh", "Hà Giang", "1991-10-01", 0.8),
    4: ("tỉnh", "Cao Bằng", "1976-07-02", 1.0),
    6: ("tỉnh", "Bắc Kạn", "1997-01-01", 0.5),
    8: ("tỉnh", "Tuyên Quang", "1991-10-01", 1.0),
    10: ("tỉnh", "Lào Cai", "1991-10-01", 1.0),
    11: ("tỉnh", "Điện Biên", "2004-01-01", 1.0),
    12: ("tỉnh", "Lai Châu", "2004-01-01", 1.0),
    14: ("tỉnh", "Sơn La", "1976-07-02", 1.0),
    15: ("tỉnh", "Yên Bái", "1991-10-01", 1.0),
    17: ("tỉnh", "Hòa Bình", "1991-10-01", 0.9),
    19: ("tỉnh", "Thái Nguyên", "1997-01-01", 1.0),
    20: ("tỉnh", "Lạng Sơn", "1976-07-02", 1.0),
    22: ("tỉnh", "Quảng Ninh", "1976-07-02", 1.0),
    24: ("tỉnh", "Bắc Giang", "1997-01-01", 1.0),
    25: ("tỉnh", "Phú Thọ", "1997-01-01", 1.0),
    26: ("tỉnh", "Vĩnh Phúc", "1997-01-01", 0.9),
    27: ("tỉnh", "Bắc Ninh", "1997-01-01", 0.9),
    30: ("tỉnh", "Hải Dương", "1997-01-01", 1.1),
    31: ("thành phố", "Hải Phòng", "1976-07-02", 1.0),
    33: ("tỉnh", "Hưng Yên", "1997-01-01", 0.9),
    34: ("tỉnh", "Thái Bình", "1976-07-02", 1.2),
    35: ("tỉnh", "Hà Nam", "1997-01-01", 0.6),
    36: ("tỉnh", "Nam Định", "1997-01-01", 1.3),
    37: ("tỉnh", "Ninh Bình", "1992-04-01", 0.8),
    38: ("tỉnh", "Thanh Hóa", "1976-07-02", 1.0),
    40: ("tỉnh", "Nghệ An", "1991-10-01", 1.0),
    42: ("tỉnh", "Hà Tĩnh", "1991-10-01", 1.0),
    44: ("tỉnh", "Quảng Bình", "1989-07-01", 0.9),
    45: ("tỉnh", "Quảng Trị", "1989-07-01", 1.0),
    46: ("tỉnh", "Thừa Thiên Huế", "1989-07-01", 1.0),
    48: ("thành phố", "Đà Nẵng", "1997-01-01", 1.0),
    49: ("tỉnh", "Quảng Nam", "1997-01-01", 1.2),
    51: ("tỉnh", "Quảng Ngãi", "1989-07-01", 1.0),
    52: ("tỉnh", "Bình Định", "1989-07-01", 1.3),
    54: ("tỉnh", "Phú Yên", "1989-07-01", 0.9),
    56: ("tỉnh", "Khánh Hòa", "1989-07-01", 1.0),
    58: ("tỉnh", "Ninh Thuận", "1992-04-01", 0.5),
    60: ("tỉnh", "Bình Thuận", "1992-04-01", 0.9),
    62: ("tỉnh", "Kon Tum", "1991-10-01", 0.5),
    64: ("tỉnh", "Gia Lai", "1991-10-01", 1.0),
    66: ("tỉnh", "Đắk Lắk", "2004-01-01", 1.0),
    67: ("tỉnh", "Đắk Nông", "2004-01-01", 0.4),
    68: ("tỉnh", "Lâm Đồng", "1976-07-02", 1.0),
    70: ("tỉnh", "Bình Phước", "1997-01-01", 0.7),
    72: ("tỉnh", "Tây Ninh", "1976-07-02", 1.0),
    74: ("tỉnh", "Bình Dương", "1997-01-01", 0.4),
    75: ("tỉnh", "Đồng Nai", "1976-07-02", 1.0),
    77: ("tỉnh", "Bà Rịa - Vũng Tàu", "1991-10-01", 0.3),
    79: ("", "Thành phố Hồ Chí Minh", "1976-07-02", 1.0),
    80: ("tỉnh", "Long An", "1976-07-02", 1.2),
    82: ("tỉnh", "Tiền Giang", "1976-07-02", 1.1),
    83: ("tỉnh", "Bến Tre", "1976-07-02", 1.0),
    84: ("tỉnh", "Trà Vinh", "1992-05-01", 0.8),
    86: ("tỉnh", "Vĩnh Long", "1992-05-01", 1.0),
    87: ("tỉnh", "Đồng Tháp", "1976-07-02", 1.0),
    89: ("tỉnh", "An Giang", "1976-07-02", 1.0),
    91: ("tỉnh", "Kiên Giang", "1976-07-02", 1.0),
    92: ("thành phố", "Cần Thơ", "2004-01-01", 1.0),
    93: ("tỉnh", "Hậu Giang", "2004-01-01", 0.6),
    94: ("tỉnh", "Sóc Trăng", "1992-04-01", 0.9),
    95: ("tỉnh", "Bạc Liêu", "1997-01-01", 0.7),
    96: ("tỉnh", "Cà Mau", "1997-01-01", 1.0),
}

# The former central blocs, until Decision 242-QĐ/TW (24 January 2025, effective 1 February 2025): the
# ministries', the National Assembly's, the Front's and the central party agencies' committees stood under the
# agencies bloc, the state enterprises under the enterprises bloc.
FORMER_BLOCS: tuple[tuple[str, str, str], ...] = (
    ("KCQTW", "Đảng bộ Khối các cơ quan Trung ương", "2007-01-01"),
    ("KDNTW", "Đảng bộ Khối Doanh nghiệp Trung ương", "2007-01-01"),
)
# Level-1 committees established from the blocs on 1 February 2025, each by its own decision of 24 January 2025
# (the first, 242-QĐ/TW, merges what remains of the two blocs).
BUSINESS_WORDS: tuple[str, ...] = ("Tập đoàn", "Tổng công ty", "Ngân hàng")

# District-level units before 1 July 2025 (about 696 at scale 1.0).
NATIONAL_DISTRICTS = 696
DISTRICT_KINDS: tuple[tuple[str, float], ...] = (("huyện", 0.74), ("thị xã", 0.07), ("thành phố", 0.12),
                                                 ("quận", 0.07))
