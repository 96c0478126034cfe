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
