"""Every text the app shows, in Bahasa Indonesia (the default) and English.

One catalogue per language with exactly the same keys (a test checks it), values formatted with
:meth:`str.format`. Nothing on screen is written outside this file except agency names, which
come from the scenario's ``name_id``/``name_en``, and technical details of invalid files, which
quote the file itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.scenario import Scenario

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Translator",
    "agency_names",
    "day_type_label",
]

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
#: Each language named in itself (the switch shows both, whatever the current language).
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

_ID: dict[str, str] = {
    # app and navigation
    "app_title": "Simulasi Antrean MPP Purbalingga",
    "app_subtitle": (
        "Mal Pelayanan Publik, Gedung Korpri: ubah instansi, loket, jam layanan dan denah, "
        "lalu lihat berapa lama warga menunggu."
    ),
    "language": "Bahasa",
    "choose": "Pilih salah satu",
    "tab_results": "Hasil",
    "tab_edit": "Ubah skenario",
    "tab_plan": "Denah",
    "tab_compare": "Perbandingan",
    "scenario": "Skenario",
    "scenario_option": "{day} ({file})",
    "scenario_uploaded": "Skenario unggahan: {name}",
    "upload_scenario": "Unggah skenario (YAML)",
    "upload_scenario_help": "Berkas skenario .yaml, paling besar 1 MB.",
    "upload_button": "Pilih berkas",
    "upload_ok": "Skenario {name} dimuat.",
    "upload_layout_dropped": (
        "Skenario dimuat, tetapi denahnya ({layout}) tidak tersedia di sini; "
        "pilih denah di tab Ubah skenario."
    ),
    "run": "Jalankan",
    "running": "Menjalankan simulasi: replikasi {done} dari {total}",
    "waiting_turn": "Menunggu giliran: {ahead} simulasi lain didahulukan",
    "stale": (
        "Hasil yang tampil belum mencakup perubahan terakhir Anda. Tekan Jalankan untuk "
        "memperbarui."
    ),
    "sidebar_shown": "Hasil yang tampil: denah {layout}.",
    "no_results": "Belum ada hasil. Periksa skenario di tab Ubah skenario.",
    "download_scenario": "Unduh skenario (YAML)",
    # editor
    "edit_day": "Hari dan jumlah pengunjung",
    "weekday": "Hari",
    "weekday_mon": "Senin",
    "weekday_tue": "Selasa",
    "weekday_wed": "Rabu",
    "weekday_thu": "Kamis",
    "weekday_fri": "Jumat",
    "weekday_sat": "Sabtu",
    "weekday_sun": "Minggu",
    "day_type": "Jenis hari",
    "day_type_option": "{label} (×{factor})",
    "daytype_normal": "Hari biasa",
    "daytype_monday": "Senin ramai",
    "daytype_post-holiday-surge": "Lonjakan setelah libur",
    "daytype_friday": "Jumat",
    "visitors": "Pengunjung per hari biasa",
    "visitors_help": (
        "Jumlah pengunjung semua instansi calon pada hari biasa; jenis hari mengalikannya."
    ),
    "expected_visitors": "Perkiraan pengunjung pada hari ini: {visitors}.",
    "edit_agencies": "Instansi dan loket",
    "agencies_help": (
        "Centang instansi yang ikut. Pangsa adalah bagian pengunjung semua instansi calon "
        "(jumlahnya harus 100%); pengunjung instansi yang tidak ikut tidak datang."
    ),
    "agencies_summary": (
        "{joined} dari {total} instansi ikut, {counters} loket. Jumlah pangsa: {share}%."
    ),
    "col_join": "Ikut",
    "col_agency": "Kode",
    "col_name": "Instansi",
    "col_counters": "Loket",
    "col_share": "Pangsa pengunjung (%)",
    "col_service": "Median waktu layanan (menit)",
    "edit_hours": "Jam layanan",
    "hour_tickets_open": "Nomor antrean mulai diambil",
    "hour_service_start": "Layanan mulai",
    "hour_last_ticket": "Nomor antrean terakhir",
    "hour_closing": "Tutup",
    "wait_from_opening": "Hitung waktu tunggu mulai jam layanan dibuka",
    "wait_from_opening_help": (
        "Pengunjung yang mengambil nomor sebelum loket buka menunggu pintu dibuka, berapa pun "
        "jumlah loketnya. Centang agar waktu tunggu mereka dihitung mulai jam layanan dibuka."
    ),
    "edit_layout": "Denah",
    "layout": "Denah yang dipakai",
    "layout_none": "Tanpa denah (tanpa berjalan kaki)",
    "layout_uploaded": "Denah unggahan: {name}",
    "upload_layout": "Unggah denah (DXF atau GeoJSON)",
    "upload_layout_help": "Gambar sesuai standar di layouts/README.md, paling besar 50 MB.",
    "layout_ok": "Denah {name} dapat dipakai dan sudah dipilih.",
    "layout_has_errors": (
        "Denah {name} belum dapat dipakai: {count} kesalahan. Lihat laporan pemeriksaan."
    ),
    "check_report": "Laporan pemeriksaan denah",
    "check_summary": (
        "**{counters}** loket, **{zones}** ruang tunggu dengan **{seats}** kursi, "
        "luas area jalan **{area} m²**, **{kiosks}** mesin antrean, "
        "**{entrances}** pintu masuk. Kesalahan: **{errors}**, peringatan: **{warnings}**."
    ),
    "check_problems": "Rincian dari pemeriksa gambar (untuk juru gambar):",
    "edit_run": "Replikasi dan benih acak",
    "replications": "Replikasi (hari yang disimulasikan)",
    "replications_help": (
        "Lebih banyak replikasi memberi selang kepercayaan yang lebih sempit, tetapi lebih lama."
    ),
    "seed": "Benih acak",
    "seed_help": "Benih yang sama memberi hasil yang sama; varian dibandingkan dengan benih sama.",
    # errors
    "error_counters": (
        "Jumlah loket {agency} harus bilangan bulat paling sedikit 1 (tertulis: {value})."
    ),
    "error_share_value": "Pangsa pengunjung {agency} harus lebih dari 0% (tertulis: {value}).",
    "error_service_value": (
        "Median waktu layanan {agency} harus lebih dari 0 menit (tertulis: {value})."
    ),
    "error_share_sum": (
        "Pangsa pengunjung semua instansi berjumlah {total}%, seharusnya 100%. "
        "Sesuaikan kolom pangsa."
    ),
    "error_no_agency": "Paling sedikit satu instansi harus ikut.",
    "error_hours_order": (
        "Jam layanan tidak berurutan: nomor dibuka {tickets_open}, layanan mulai "
        "{service_start}, nomor terakhir {last_ticket}, tutup {closing}. Urutannya harus "
        "nomor dibuka ≤ layanan mulai ≤ nomor terakhir ≤ tutup, dan tutup setelah layanan mulai."
    ),
    "error_invalid": "Skenario atau denah ini tidak dapat dipakai.",
    "error_unexpected": "Terjadi kesalahan yang tidak terduga. Coba lagi atau muat ulang halaman.",
    "error_run_unexpected": (
        "Simulasi gagal karena kesalahan yang tidak terduga. Periksa skenario dan denah."
    ),
    "error_cannot_run": "Skenario belum valid, jadi belum dapat dijalankan. Perbaiki dahulu.",
    "error_upload_format": ("Berkas {name} bukan jenis yang diterima; yang diterima: {expected}."),
    "error_upload_too_big": (
        "Berkas {name} terlalu besar ({size_kb} KB); paling besar {limit_kb} KB."
    ),
    "error_upload_empty": "Berkas {name} kosong.",
    "error_upload_unexpected": (
        "Berkas ini tidak dapat dibaca. Periksa bahwa isinya sesuai jenisnya."
    ),
    "technical_detail": "Rincian teknis: `{detail}`",
    # results
    "target_met": (
        "Target tercapai: {share:.0f}% pengunjung dipanggil dalam {minutes:g} menit "
        "(target {goal:.0f}%)."
    ),
    "target_missed": (
        "Target belum tercapai: hanya {share:.0f}% pengunjung dipanggil dalam {minutes:g} menit "
        "(target {goal:.0f}%)."
    ),
    "metric_p90": "Waktu tunggu p90",
    "metric_p90_help": (
        "90% pengunjung dipanggil dalam waktu ini. Selang kepercayaan 95%: ± {ci:.1f} menit."
    ),
    "metric_within": "Dipanggil dalam {minutes} menit",
    "metric_within_help": (
        "Bagian pemegang nomor antrean yang dipanggil dalam target. Selang kepercayaan 95%: "
        "± {ci} poin persen."
    ),
    "metric_lost": "Tidak terlayani",
    "metric_lost_help": (
        "Ditolak: datang setelah kuota atau jam nomor terakhir. Menyerah: pergi sebelum "
        "dipanggil. Rata-rata per hari."
    ),
    "metric_peak": "Ruang tunggu: puncak / kursi",
    "metric_peak_help": "Orang terbanyak sekaligus di semua ruang tunggu, dibanding jumlah kursi.",
    "value_minutes": "{value} menit",
    "value_percent": "{value:.0f}%",
    "value_lost": "{turned:.0f} / {gave_up:.0f} orang",
    "value_peak": "{peak} / {seats}",
    "delta_vs_target": "{value:+.1f} menit dari target",
    "delta_vs_goal": "{value:+.0f} poin dari target",
    "no_layout_help": "Skenario ini berjalan tanpa denah, jadi tidak ada ruang tunggu dan jarak.",
    "shown_run": (
        "Hasil untuk denah {layout} · {day}, hari {weekday} · {agencies} instansi, {counters} "
        "loket · {replications} replikasi, benih acak {seed}"
    ),
    "table_agencies": "Per instansi",
    "table_agencies_help": (
        "Rata-rata per hari atas semua replikasi; waktu dalam menit. Hijau memenuhi target, "
        "kuning dekat, merah jauh. Klik judul kolom untuk mengurutkan."
    ),
    "col_arrivals": "Datang",
    "col_served": "Dilayani",
    "col_turned_away": "Ditolak",
    "col_abandoned": "Menyerah",
    "col_wait_mean": "Rata-rata",
    "col_wait_p90": "Tunggu p90",
    "col_ci": "± 95%",
    "col_within": "Dalam target",
    "col_utilisation": "Sibuk",
    "col_queue_max": "Antrean terpanjang",
    "col_walk": "Jalan kaki (m)",
    "overall": "Semua instansi",
    "overall_id": "semua",
    "table_zones": "Ruang tunggu",
    "col_zone": "Ruang tunggu",
    "col_seats": "Kursi",
    "col_standing": "Ruang berdiri (orang)",
    "col_peak": "Puncak (orang)",
    "col_stood": "Harus berdiri (%)",
    "downloads": "Unduhan",
    "download_csv": "Unduh hasil per instansi (CSV)",
    "download_replications": "Unduh hasil per replikasi (CSV)",
    # charts
    "all": "Semua instansi",
    "axis_clock": "Jam",
    "axis_queue": "Nomor antrean menunggu",
    "axis_wait": "Waktu tunggu (menit)",
    "axis_share_visitors": "Pengunjung (%)",
    "axis_people": "Orang",
    "axis_p90": "Waktu tunggu p90 (menit)",
    "axis_within": "Dipanggil dalam target (%)",
    "chart_queue": "Panjang antrean sepanjang hari (rata-rata replikasi)",
    "chart_waits": "Sebaran waktu tunggu",
    "chart_occupancy": "Isi ruang tunggu sepanjang hari dibanding kursi",
    "chart_plan_p90": "Denah {layout}: loket diwarnai menurut waktu tunggu p90",
    "chart_clock": "Denah pada pukul {clock}: orang di ruang tunggu dan antrean per instansi",
    "chart_compare_p90": "Waktu tunggu p90 per varian (selang 95%)",
    "chart_compare_within": "Dipanggil dalam target per varian (selang 95%)",
    "target_line": "Target {minutes:g} menit",
    "p90_line": "p90 = {minutes:.1f} menit",
    "seats_line": "Kursi (garis titik)",
    "target": "Target",
    "plan_seats": "kursi",
    "plan_in": "MASUK",
    "plan_out": "KELUAR",
    "plan_kiosk": "mesin antrean",
    "plan_info": "informasi",
    "plan_x": "x (m)",
    "plan_y": "y (m)",
    "plan_p90_label": "Waktu tunggu p90 (menit)",
    "queue_short": "antre",
    "clock_colour_label": "Orang / kursi",
    "clock": "Jam",
    "clock_help": "Geser untuk melihat ruang tunggu dan antrean pada jam tertentu.",
    # comparison
    "compare_help": (
        "Simpan hasil yang tampil sebagai varian (paling banyak {limit}), ubah denah atau "
        "loket, jalankan, simpan lagi, lalu bandingkan. Varian dengan benih acak dan jumlah "
        "replikasi yang sama dibandingkan berpasangan (bilangan acak bersama)."
    ),
    "variant_name": "Nama varian",
    "save_variant": "Simpan sebagai varian",
    "variant_saved": "Varian {name} disimpan.",
    "variant_full": "Sudah ada {limit} varian. Hapus satu dahulu.",
    "variant_duplicate": "Hasil ini sudah disimpan sebagai varian {name}.",
    "variant_name_taken": "Nama {name} sudah dipakai; beri nama lain.",
    "variant_line": "**{letter}. {name}**: denah {layout}, {counters} loket, {day}",
    "remove_variant": "Hapus",
    "compare_need_two": "Simpan paling sedikit dua varian untuk membandingkan.",
    "baseline": "Varian acuan",
    "compare_side_by_side": "Varian berdampingan",
    "compare_pair_title": "{b} dibanding {a}",
    "compare_not_paired": (
        "Kedua varian memakai benih acak atau jumlah replikasi yang berbeda, sehingga tidak "
        "dapat dibandingkan berpasangan. Jalankan ulang dengan benih dan replikasi yang sama."
    ),
    "col_kpi": "Ukuran",
    "row_layout": "Denah",
    "row_counters": "Loket",
    "row_agencies": "Instansi",
    "row_target_met": "{share:.0f}% dipanggil dalam {minutes:g} menit?",
    "yes": "ya",
    "no": "tidak",
    "kpi_wait_p90_min": "waktu tunggu p90",
    "kpi_within_target": "dipanggil dalam target",
    "kpi_wait_mean_min": "rata-rata waktu tunggu",
    "kpi_abandoned": "pengunjung yang menyerah",
    "kpi_turned_away": "pengunjung yang ditolak",
    "kpi_waiting_peak": "puncak isi ruang tunggu",
    "kpi_walk_mean_m": "jarak jalan kaki rata-rata",
    "unit_min": "menit",
    "unit_pct": "%",
    "unit_pct_points": "poin persen",
    "unit_people": "orang",
    "unit_m": "m",
    "verdict_better": (
        "**{better}** lebih baik untuk {kpi}: {diff} {unit} {direction} daripada {worse} "
        "(selang kepercayaan 95% selisihnya: {low} s.d. {high} {unit})."
    ),
    "verdict_none": (
        "Tidak ada perbedaan yang signifikan untuk {kpi} antara {a} dan {b} (selang "
        "kepercayaan 95% selisih {b} dikurangi {a}: {low} s.d. {high} {unit}, mencakup nol)."
    ),
    "lower_time": "lebih singkat",
    "higher_time": "lebih lama",
    "lower_share": "lebih rendah",
    "higher_share": "lebih tinggi",
    "lower_count": "lebih sedikit",
    "higher_count": "lebih banyak",
    "lower_distance": "lebih pendek",
    "higher_distance": "lebih jauh",
    "compare_target_yes": (
        "Memenuhi target ({share:.0f}% dipanggil dalam {minutes:g} menit): {names}."
    ),
    "compare_target_no": "Belum memenuhi target: {names}.",
    "verdict_unknown": "Perbedaan {kpi} tidak dapat dinilai (data kurang).",
    "verdict_same": (
        "{a} dan {b} kurang lebih sama untuk {kpi}: selisihnya {diff} {unit}, di bawah ambang "
        "praktis {threshold} {unit}."
    ),
    "download_report": "Unduh laporan perbandingan (HTML)",
    "report_title": "Laporan perbandingan varian MPP Purbalingga",
    "report_created": "Dibuat {when} dengan mpp-sim {version}.",
    "report_variants": "Varian",
    "report_variant_line": (
        "{name}: denah {layout}, {day} (hari {weekday}), {agencies} instansi, {counters} "
        "loket, {replications} replikasi, benih acak {seed}"
    ),
    "report_figures": "Gambar",
    "report_method": (
        "Selisih dihitung berpasangan per replikasi (bilangan acak bersama: benih dan nomor "
        "replikasi yang sama); selang kepercayaan 95% menurut distribusi t Student. "
        "Perbedaan disebut signifikan bila selangnya tidak mencakup nol."
    ),
    # calibration from a ticket log (simulator/ui/calibration.py)
    "tab_calibration": "Kalibrasi",
    "calib_title": "Kalibrasi dari log tiket antrean",
    "calib_help": (
        "Unggah ekspor log tiket dari sistem antrean (satu baris per tiket, lihat "
        "docs/calibration.md). Hasilnya: skenario yang cocok dengan hari-hari MPP sendiri, "
        "dan laporan yang membandingkan log dengan simulasi."
    ),
    "calib_log": "Log tiket (CSV)",
    "calib_holidays": "Hari libur (CSV, kolom date; opsional)",
    "calib_bookings": "Pemesanan daring (CSV; opsional)",
    "calib_sep": "Pemisah kolom",
    "calib_decimal": "Tanda desimal",
    "calib_run": "Kalibrasi",
    "calib_running": "Membaca log, mengestimasi dan mensimulasikan ...",
    "calib_done": (
        "{valid} dari {rows} baris sah ({rejected} ditolak), {days} tanggal. Skenario siap."
    ),
    "calib_rejected": "Baris ditolak pertama: {lines}",
    "calib_error": "Log tidak dapat dibaca: {message}",
    "calib_download_scenario": "Unduh skenario hasil kalibrasi (YAML)",
    "calib_download_report": "Unduh laporan kalibrasi (HTML)",
    "calib_continue": "Lanjutkan dengan skenario ini",
    "calib_continued": "Skenario hasil kalibrasi kini dipakai; lihat tab Hasil dan Ubah skenario.",
    "sep_comma": "koma ,",
    "sep_semicolon": "titik koma ;",
    "sep_tab": "tab",
    # ---- pictures (issue 15: simulator/ui/plan_view.py, playback.py, interactive.py) ----
    "pic_plan_aria": "Denah gedung",
    "pic_ground_floor": "Lantai dasar",
    "pic_floor": "Lantai {level}",
    "pic_counter_head": "Loket {slot} ({queue}, loket {k} dari {n})",
    "pic_group": "Loket bersama: {name}",
    "pic_p90_line": "Waktu tunggu p90: {value}",
    "pic_target_line": "Target: {value} menit",
    "pic_minutes": "{value} menit",
    "pic_never_called": "lebih dari 10% tidak pernah dipanggil",
    "pic_closed_today": "Tutup pada hari ini",
    "pic_no_visitors": "Tidak ada pengunjung",
    "pic_empty_slot": "Loket {slot}: kosong (tidak dipakai instansi mana pun)",
    "pic_zone_tip": "Ruang tunggu {name}: {seats} kursi",
    "pic_zone_seats": "{seats} kursi",
    "pic_kiosk_tip": "Mesin antrean: pengunjung mengambil nomor antrean di sini",
    "pic_info_tip": "Meja informasi",
    "pic_stair": "tangga {link}",
    "pic_lift": "lift {link}",
    "pic_legend_p90": "Warna loket: waktu tunggu p90 (menit)",
    "pic_legend_target": "target {value}",
    "pic_legend_empty": "Loket kosong",
    "pic_legend_closed": "Tutup / tanpa pengunjung",
    "pic_legend_zone": "Ruang tunggu",
    "pic_legend_priority_zone": "Ruang tunggu prioritas",
    "pic_legend_seat": "Kursi",
    "pic_legend_obstacle": "Penghalang / ruang tertutup (abu-abu)",
    "pic_legend_wall": "Dinding",
    "pic_legend_kiosk": "Mesin antrean (segitiga), meja informasi (belah ketupat)",
    "pic_legend_in": "Pintu masuk",
    "pic_legend_out": "Pintu keluar",
    "pic_legend_link": "Tangga / lift",
    "pb_title": "Satu hari di denah: {name}",
    "pb_play": "▶ Putar",
    "pb_pause": "❚❚ Jeda",
    "pb_speed": "Kecepatan",
    "pb_speed_option": "{speed} menit per detik",
    "pb_scrub": "Geser ke jam mana pun",
    "pb_zone_people": "{n} orang / {seats} kursi",
    "pb_zone_tip": "Ruang tunggu {name}: {n} orang, {seats} kursi, muat {capacity} orang",
    "pb_inside": "Di dalam gedung: {n}",
    "pb_waiting": "Menunggu dipanggil: {n}",
    "pb_served": "Sudah pulang: {n}",
    "pb_tickets_tip": "{n} nomor antrean menunggu: {name}",
    "pb_legend_dots": "Warna titik: lama menunggu sejak mengambil nomor (menit)",
    "pb_legend_arriving": "Datang, antre di mesin antrean",
    "pb_legend_leaving": "Pulang",
    "pb_legend_priority": "Pengunjung prioritas",
    "pb_legend_badge": "Nomor antrean menunggu per instansi",
    "iv_agency": "Instansi",
    "iv_zone": "Ruang tunggu",
    "iv_seats": "Kursi",
    "iv_room": "Daya tampung (duduk dan berdiri)",
    "iv_variant": "Varian",
    "iv_unit_min": "menit",
    "iv_wait_range": "{low} sampai {high} menit",
    "iv_share_visitors": "{value}% pemegang nomor antrean",
    "iv_target_mark": "Target {value} menit",
    "iv_goal_mark": "Sasaran {value}%",
    "iv_p90_mark": "p90 = {value} menit",
    "iv_never_called": "{share}% pemegang nomor tidak pernah dipanggil (tidak tampak di grafik)",
    "iv_value_ci": "{value} {unit} (selang 95%: {low} sampai {high})",
    "iv_called_within": "{share}% dipanggil dalam {minutes} menit",
    "iv_axis_called_within": "Dipanggil dalam waktu tunggu ini (%)",
    "iv_chart_called_within": "Berapa persen dipanggil dalam sekian menit, per varian",
    "pb_caption": (
        "Satu hari simulasi (replikasi pertama) diputar di denah: setiap titik seorang "
        "pengunjung. Tekan Putar, atur kecepatan, atau geser ke jam mana pun; arahkan kursor "
        "ke loket atau ruang tunggu untuk rinciannya."
    ),
    "pb_download": "Unduh pemutaran hari ini (HTML, bisa dibuka tanpa internet)",
    # issue 15: the KPI strip, the overview table, the editor's new levers, verdicts
    "p90_not_reached": "tidak tercapai",
    "p90_not_reached_short": "tak tercapai",
    "p90_not_reached_note": "lebih dari 10% pemegang nomor menyerah sebelum dipanggil",
    "p90_note": "target {target} menit · ± {ci}",
    "p90_note_open": "target {target} menit · batas atas selang tak tercapai",
    "metric_p90_help_basis": (
        "90% pemegang nomor antrean dipanggil dalam waktu ini, dihitung dari saat nomor "
        "diambil sampai dipanggil; yang menyerah dihitung tidak dipanggil."
    ),
    "within_note": "target {goal}%",
    "lost_note": "{gave_up} menyerah, {turned} ditolak per hari",
    "metric_wait_mean": "Tunggu rata-rata",
    "split_note": "{before} menit sebelum loket buka · {after} sesudahnya",
    "metric_split_help": (
        "Bagian tunggu sebelum loket buka tidak dapat diperpendek dengan menambah loket; "
        "bagian sesudahnya dapat."
    ),
    "no_layout_short": "tanpa denah",
    "peak_overflow": "penuh: {share} menunggu di luar ruang",
    "peak_stood": "{share} menunggu sambil berdiri",
    "peak_seated": "semua dapat duduk",
    "light_green": "hijau: memenuhi target",
    "light_amber": "kuning: dekat target",
    "light_red": "merah: jauh dari target",
    "light_grey": "abu-abu: tanpa target",
    "before_opening_note": (
        "Dari rata-rata tunggu {mean} menit, {before} menit terjadi sebelum loket buka pukul "
        "{opening} ({early} pengunjung datang lebih awal). Menambah loket hanya memperpendek "
        "sisanya, {after} menit."
    ),
    "stale_error": "Hasil di atas masih dari skenario sebelumnya.",
    "stale_invalid": (
        "Perubahan terakhir belum valid, jadi belum dijalankan: hasil di atas masih dari "
        "skenario sebelumnya."
    ),
    "edit_behaviour": (
        "Setiap perubahan langsung dijalankan: angka di atas selalu untuk skenario di halaman "
        "ini. Perubahan yang belum valid diberi tanda dan tidak dijalankan."
    ),
    "col_days": "Hari buka",
    "col_days_help": "Hari instansi membuka loketnya; di luar hari itu tidak ada pengunjung.",
    "col_days_edit_help": "Pilih hari instansi membuka loket.",
    "col_counters_help": "Loket yang dibuka (loket bersama: loket kelompoknya).",
    "col_counters_edit_help": "Instansi di loket bersama: 0 (loket kelompok diubah di bawah).",
    "col_arrivals_help": "Pengunjung per hari (rata-rata replikasi).",
    "col_lost": "Tak terlayani",
    "col_lost_help": "Menyerah sebelum dipanggil atau ditolak (kuota, nomor terakhir), per hari.",
    "col_wait_mean_help": "Rata-rata tunggu yang dipanggil, dalam menit.",
    "col_before": "Pra-buka",
    "col_before_help": (
        "Bagian rata-rata tunggu sebelum loket buka (menit): tambahan loket tidak mengubahnya."
    ),
    "col_after": "Sesudah buka",
    "col_early": "Datang sebelum buka",
    "col_wait_p90_help": "90% dipanggil dalam waktu ini (menit); hijau: dalam target.",
    "col_within_help": "Bagian yang dipanggil dalam target; hijau: memenuhi target.",
    "col_utilisation_help": "Bagian jam kerja loket yang terpakai melayani.",
    "col_ci_points": "± 95% (poin)",
    "col_overtime": "Lembur (menit)",
    "col_p90_booked": "p90 pesan daring",
    "col_p90_walk_in": "p90 datang langsung",
    "col_within_booked": "Dalam target (pesan)",
    "col_within_walk_in": "Dalam target (langsung)",
    "col_slot_fill": "Slot terisi",
    "col_no_show": "Tidak datang",
    "closed_today_name": "{name} (tutup hari {weekday})",
    "closed_today": "{name} hanya buka hari {days}; hari {weekday} tutup, jadi tanpa pengunjung.",
    "group_line": "Loket bersama {group}: {counters} loket melayani {agencies} dari satu antrean.",
    "details_title": "Rincian lengkap per instansi (selang kepercayaan, pemesanan daring, lembur)",
    "details_help": (
        "± adalah setengah lebar selang kepercayaan 95%. Tunggu sebelum buka + sesudah buka = "
        "tunggu rata-rata."
    ),
    "table_zones_help": (
        "Penuh: bagian pengunjung yang mendapati ruang ini penuh dan menunggu di tempat lain."
    ),
    "col_zone_kind": "Jenis",
    "col_zone_agencies": "Instansi",
    "col_overflow": "Penuh",
    "zone_priority": "prioritas",
    "zone_regular": "umum",
    "downloads_help": (
        "CSV memakai titik koma sebagai pemisah kolom dan koma desimal; bagian dalam persen "
        "(kolom berakhiran _pct)."
    ),
    "edit_groups": "Loket bersama",
    "groups_help": "Satu antrean untuk beberapa instansi; ubah jumlah loket kelompok di sini.",
    "col_group": "Loket bersama",
    "col_group_agencies": "Melayani",
    "edit_booking": "Pemesanan daring (booking)",
    "booking_help": (
        "Pilih instansi yang menerima pemesanan. Bagian pengunjung yang memesan slot, panjang "
        "slot, pesanan per slot, dan loket khusus pemesan. Slot dibuka dari layanan mulai sampai "
        "nomor terakhir."
    ),
    "booking_agencies": "Instansi dengan pemesanan daring",
    "booking_none": "Tidak ada",
    "col_booking_share": "Memesan (%)",
    "col_booking_slot": "Slot (menit)",
    "col_booking_per_slot": "Pesanan per slot",
    "col_booking_reserved": "Loket khusus pemesan",
    "error_booking_share": ("Bagian pemesan {agency} harus antara 0 dan 100% (tertulis: {value})."),
    "error_booking_slot": "Panjang slot {agency} harus 1-240 menit (tertulis: {value}).",
    "error_booking_per_slot": (
        "Pesanan per slot {agency} harus bilangan bulat 1-100 (tertulis: {value})."
    ),
    "error_booking_reserved": (
        "Loket khusus pemesan {agency} harus 0 sampai {counters} (tertulis: {value})."
    ),
    "error_days_open": "{agency} harus buka paling sedikit satu hari.",
    "error_group_counters": (
        "{agency} dilayani loket bersama {group}: loketnya sendiri harus 0; ubah loket "
        "kelompok di bagian Loket bersama."
    ),
    "placement_show": "Tampilkan dan ubah penempatan loket pada denah",
    "placement_help": (
        "Setiap slot loket pada denah dan instansi yang dilayaninya. Ubah untuk memindahkan "
        "loket; denah di bawah menunjukkan hasilnya."
    ),
    "placement_preview": "Denah dengan penempatan loket saat ini",
    "placement_optimise": "Usulkan penempatan dengan jalan kaki terpendek",
    "placement_optimise_help": (
        "Pengoptimal penempatan menaruh loket tiap instansi berdampingan, klaster berdekatan, "
        "sehingga jalan kaki pengunjung paling pendek. Usulannya mengisi tabel dan dapat diubah."
    ),
    "placement_optimised": (
        "Usulan penempatan: jalan kaki rata-rata sekitar {after} m (sebelumnya {before} m). "
        "Tabel di bawah memakai usulan ini; hasil di atas sudah dihitung ulang."
    ),
    "col_slot": "Slot",
    "col_owner": "Melayani",
    "slot_empty": "(kosong)",
    "layout_building": "{name} (gedung {floors} lantai)",
    "layout_too_few_slots": (
        "Denah {layout} hanya punya {slots} slot loket, sedangkan skenario membutuhkan "
        "{counters} loket. Pilih denah lain atau kurangi loket."
    ),
    "layout_slot_missing": (
        "Denah {layout} tidak punya slot {slots} yang dipakai penempatan skenario ini."
    ),
    "layout_unfit": "Skenario tidak cocok dengan denah {layout}: {detail}",
    "layout_unreadable": "Denah {layout} tidak dapat dibaca.",
    "settings": "Pengaturan perbandingan",
    "settings_help": (
        'Selisih di bawah ambang praktis ini disebut "kurang lebih sama", apa pun selang '
        "kepercayaannya."
    ),
    "threshold_wait": "Ambang waktu tunggu (menit)",
    "threshold_share": "Ambang dipanggil dalam target (poin persen)",
    "threshold_walk": "Ambang jalan kaki (m)",
    "download_scenario_zip": "Unduh skenario dan denahnya (ZIP)",
    "download_scenario_help": (
        "Berkas ini dapat dijalankan dari folder mana pun (mpp-sim run) dan diunggah kembali."
    ),
    "edited_description": "Diubah di aplikasi dari {base}: {changes}.",
    "edited_name": "{base} (diubah)",
    "change_weekday": "hari {day}",
    "change_day_type": "jenis hari {day}",
    "change_visitors": "{visitors} pengunjung per hari biasa",
    "change_hour": "{what} {time}",
    "change_left_out": "tanpa {names}",
    "change_counters": "{name} {old}→{new} loket",
    "change_days": "{name} buka {days}",
    "change_booking": "{name} menerima pesanan: {share} dalam slot {slot} menit isi {per_slot}",
    "change_booking_off": "{name} tanpa pemesanan",
    "change_service": "waktu layanan {name} diubah",
    "change_shares": "pangsa pengunjung diubah",
    "change_placement": "penempatan loket diubah",
    "change_layout": "denah {layout}",
    "change_counted_ticket": "tunggu dihitung dari pengambilan nomor",
    "change_counted_service_start": "tunggu dihitung dari jam layanan dibuka",
    "change_run": "{replications} replikasi, benih {seed}",
    "variant_name_counters": "{layout} {counters} loket",
    "variant_name_delta": "{layout} {delta} loket",
    "variant_name_same": "{layout}",
    "layoutname_korpri-central": "Terpusat",
    "layoutname_korpri-clusters": "Klaster",
    "layoutname_korpri-compact": "Kompak",
    "layoutname_korpri-2f": "Dua lantai",
    "compare_verdicts": "Kesimpulan",
    "layouts_title": "Bandingkan denah: berapa loket yang muat dan hasil terbaiknya",
    "layouts_help": (
        "Untuk skenario yang tampil, tiap denah: slot loket, kursi, loket paling sedikit yang "
        "memenuhi target, dan hasil terbaik bila semua slot dipakai (instansi ditempatkan oleh "
        "pengoptimal penempatan). Butuh beberapa detik per denah."
    ),
    "layouts_choose": "Denah yang dibandingkan",
    "layouts_run": "Bandingkan denah",
    "layouts_running": "Membandingkan {plans} denah ...",
    "layouts_no_fit": "tidak muat",
    "layouts_table_help": (
        "Loket cukup: paling sedikit loket yang memenuhi target p90 {minutes} menit di setiap "
        "instansi. Terbaik: semua slot dipakai."
    ),
    "col_plan": "Denah",
    "col_slots": "Slot loket",
    "col_counters_fit": "Loket cukup",
    "col_best_counters": "Loket (terbaik)",
    "compare_statistics": "Statistik di balik kesimpulan",
    "compare_thresholds": (
        '"Kurang lebih sama": selisih di bawah {wait} menit, {share} poin persen atau {walk} m '
        "(ubah di Pengaturan perbandingan)."
    ),
    "sentence_better": "**{b}** lebih baik daripada **{a}**: {details}.",
    "sentence_worse": "**{b}** lebih buruk daripada **{a}**: {details}.",
    "sentence_same": "**{b}** kurang lebih sama dengan **{a}**: {details}.",
    "sentence_mixed": "**{b}** dibanding **{a}** ada untung dan ruginya: {details}.",
    "sentence_unclear": "**{b}** dibanding **{a}** belum jelas berbeda: {details}.",
    "sentence_not_paired": (
        "**{b}** tidak dapat dibandingkan dengan **{a}**: benih acak atau jumlah replikasinya "
        "berbeda."
    ),
    "clause_same": "{kpi} kurang lebih sama ({b})",
    "clause_unclear": "{kpi} {b} lawan {a}, belum jelas berbeda",
    "clause_values": "{kpi} {b} lawan {a}",
    "clause_changed": "{kpi} {b} lawan {a} ({diff} {unit} {direction})",
    "col_diff": "Selisih B − A",
    "col_diff_ci": "Selang 95% selisih",
    "col_threshold": "Ambang praktis",
    "col_verdict": "Kesimpulan",
    "verdict_word_a": "A lebih baik",
    "verdict_word_b": "B lebih baik",
    "verdict_word_same": "kurang lebih sama",
    "verdict_word_none": "belum jelas berbeda",
    "verdict_word_no_data": "tanpa pengunjung",
    "wd_mon": "Sen",
    "wd_tue": "Sel",
    "wd_wed": "Rab",
    "wd_thu": "Kam",
    "wd_fri": "Jum",
    "wd_sat": "Sab",
    "wd_sun": "Min",
}

_EN: dict[str, str] = {
    "app_title": "MPP Purbalingga queue simulator",
    "app_subtitle": (
        "Public service mall, Gedung Korpri: change agencies, counters, opening hours and the "
        "floor plan, and see how long citizens wait."
    ),
    "language": "Language",
    "choose": "Choose one",
    "tab_results": "Results",
    "tab_edit": "Edit scenario",
    "tab_plan": "Floor plan",
    "tab_compare": "Comparison",
    "scenario": "Scenario",
    "scenario_option": "{day} ({file})",
    "scenario_uploaded": "Uploaded scenario: {name}",
    "upload_scenario": "Upload a scenario (YAML)",
    "upload_scenario_help": "A .yaml scenario file of at most 1 MB.",
    "upload_button": "Choose a file",
    "upload_ok": "Scenario {name} loaded.",
    "upload_layout_dropped": (
        "Scenario loaded, but its floor plan ({layout}) is not available here; choose a floor "
        "plan in the Edit scenario tab."
    ),
    "run": "Run",
    "running": "Running the simulation: replication {done} of {total}",
    "waiting_turn": "Waiting for its turn: {ahead} other simulation(s) go first",
    "stale": (
        "The results shown do not include your latest changes yet. Press Run to update them."
    ),
    "sidebar_shown": "Results shown: floor plan {layout}.",
    "no_results": "No results yet. Check the scenario in the Edit scenario tab.",
    "download_scenario": "Download the scenario (YAML)",
    "edit_day": "Day and visitors",
    "weekday": "Day of the week",
    "weekday_mon": "Monday",
    "weekday_tue": "Tuesday",
    "weekday_wed": "Wednesday",
    "weekday_thu": "Thursday",
    "weekday_fri": "Friday",
    "weekday_sat": "Saturday",
    "weekday_sun": "Sunday",
    "day_type": "Type of day",
    "day_type_option": "{label} (×{factor})",
    "daytype_normal": "Normal day",
    "daytype_monday": "Busy Monday",
    "daytype_post-holiday-surge": "Post-holiday surge",
    "daytype_friday": "Friday",
    "visitors": "Visitors on a normal day",
    "visitors_help": (
        "Visitors of all candidate agencies on a normal day; the type of day multiplies it."
    ),
    "expected_visitors": "Expected visitors on this day: {visitors}.",
    "edit_agencies": "Agencies and counters",
    "agencies_help": (
        "Tick the agencies that join. The share is the part of all candidate agencies' "
        "visitors (they must add up to 100%); visitors of agencies left out do not come."
    ),
    "agencies_summary": (
        "{joined} of {total} agencies join, {counters} counters. Shares add up to {share}%."
    ),
    "col_join": "Joins",
    "col_agency": "Code",
    "col_name": "Agency",
    "col_counters": "Counters",
    "col_share": "Share of visitors (%)",
    "col_service": "Median service time (minutes)",
    "edit_hours": "Opening hours",
    "hour_tickets_open": "Tickets from",
    "hour_service_start": "Service starts",
    "hour_last_ticket": "Last ticket",
    "hour_closing": "Closing",
    "wait_from_opening": "Count waits from when service opens",
    "wait_from_opening_help": (
        "Visitors who take a ticket before the counters open wait for the opening, however many "
        "counters there are. Tick to count their wait from the opening instead."
    ),
    "edit_layout": "Floor plan",
    "layout": "Floor plan used",
    "layout_none": "No floor plan (no walking)",
    "layout_uploaded": "Uploaded floor plan: {name}",
    "upload_layout": "Upload a floor plan (DXF or GeoJSON)",
    "upload_layout_help": "Drawn to the standard in layouts/README.md, at most 50 MB.",
    "layout_ok": "Floor plan {name} is usable and has been chosen.",
    "layout_has_errors": (
        "Floor plan {name} cannot be used yet: {count} errors. See the check report."
    ),
    "check_report": "Floor plan check report",
    "check_summary": (
        "**{counters}** counters, **{zones}** waiting zones with **{seats}** seats, walkable "
        "area **{area} m²**, **{kiosks}** ticket machines, **{entrances}** entrances. "
        "Errors: **{errors}**, warnings: **{warnings}**."
    ),
    "check_problems": "Details from the drawing check (for the drafter):",
    "edit_run": "Replications and random seed",
    "replications": "Replications (simulated days)",
    "replications_help": "More replications give narrower confidence intervals but take longer.",
    "seed": "Random seed",
    "seed_help": "The same seed gives the same results; variants are compared with one seed.",
    "error_counters": (
        "The counters of {agency} must be a whole number of at least 1 (found: {value})."
    ),
    "error_share_value": "The visitor share of {agency} must be above 0% (found: {value}).",
    "error_service_value": (
        "The median service time of {agency} must be above 0 minutes (found: {value})."
    ),
    "error_share_sum": (
        "The visitor shares of all agencies add up to {total}%; they must add up to 100%. "
        "Adjust the share column."
    ),
    "error_no_agency": "At least one agency must join.",
    "error_hours_order": (
        "The opening hours are out of order: tickets from {tickets_open}, service starts "
        "{service_start}, last ticket {last_ticket}, closing {closing}. They must be tickets "
        "from ≤ service starts ≤ last ticket ≤ closing, with closing after service starts."
    ),
    "error_invalid": "This scenario or floor plan cannot be used.",
    "error_unexpected": "Something unexpected went wrong. Try again or reload the page.",
    "error_run_unexpected": (
        "The simulation failed with an unexpected error. Check the scenario and floor plan."
    ),
    "error_cannot_run": "The scenario is not valid yet, so it cannot run. Correct it first.",
    "error_upload_format": "File {name} is not an accepted type; accepted: {expected}.",
    "error_upload_too_big": "File {name} is too large ({size_kb} KB); at most {limit_kb} KB.",
    "error_upload_empty": "File {name} is empty.",
    "error_upload_unexpected": "This file cannot be read. Check that its content matches its type.",
    "technical_detail": "Technical detail: `{detail}`",
    "target_met": (
        "Target met: {share:.0f}% of visitors are called within {minutes:g} minutes "
        "(target {goal:.0f}%)."
    ),
    "target_missed": (
        "Target not met: only {share:.0f}% of visitors are called within {minutes:g} minutes "
        "(target {goal:.0f}%)."
    ),
    "metric_p90": "p90 waiting time",
    "metric_p90_help": (
        "90% of visitors are called within this time. 95% confidence interval: ± {ci:.1f} min."
    ),
    "metric_within": "Called within {minutes} minutes",
    "metric_within_help": (
        "Share of ticket holders called within the target. 95% confidence interval: ± {ci} "
        "percentage points."
    ),
    "metric_lost": "Not served",
    "metric_lost_help": (
        "Turned away: came after the quota or the last ticket. Gave up: left before being "
        "called. Mean per day."
    ),
    "metric_peak": "Waiting zones: peak / seats",
    "metric_peak_help": "Most people at once in all waiting zones, against the number of seats.",
    "value_minutes": "{value} min",
    "value_percent": "{value:.0f}%",
    "value_lost": "{turned:.0f} / {gave_up:.0f} people",
    "value_peak": "{peak} / {seats}",
    "delta_vs_target": "{value:+.1f} min from target",
    "delta_vs_goal": "{value:+.0f} points from target",
    "no_layout_help": "This scenario runs without a floor plan: no waiting zones, no walking.",
    "shown_run": (
        "Results for floor plan {layout} · {day}, {weekday} · {agencies} agencies, {counters} "
        "counters · {replications} replications, random seed {seed}"
    ),
    "table_agencies": "Per agency",
    "table_agencies_help": (
        "Means per day over all replications; times in minutes. Green meets the target, amber "
        "is close, red is far. Click a column header to sort."
    ),
    "col_arrivals": "Arrived",
    "col_served": "Served",
    "col_turned_away": "Turned away",
    "col_abandoned": "Gave up",
    "col_wait_mean": "Mean wait",
    "col_wait_p90": "p90 wait",
    "col_ci": "± 95%",
    "col_within": "Within target",
    "col_utilisation": "Busy",
    "col_queue_max": "Longest queue",
    "col_walk": "Walking (m)",
    "overall": "All agencies",
    "overall_id": "all",
    "table_zones": "Waiting zones",
    "col_zone": "Waiting zone",
    "col_seats": "Seats",
    "col_standing": "Standing room (people)",
    "col_peak": "Peak (people)",
    "col_stood": "Had to stand (%)",
    "downloads": "Downloads",
    "download_csv": "Download results per agency (CSV)",
    "download_replications": "Download results per replication (CSV)",
    "all": "All agencies",
    "axis_clock": "Time of day",
    "axis_queue": "Tickets waiting",
    "axis_wait": "Waiting time (minutes)",
    "axis_share_visitors": "Visitors (%)",
    "axis_people": "People",
    "axis_p90": "p90 waiting time (minutes)",
    "axis_within": "Called within target (%)",
    "chart_queue": "Queue length through the day (mean over replications)",
    "chart_waits": "Distribution of waiting times",
    "chart_occupancy": "Waiting-zone occupancy through the day against seats",
    "chart_plan_p90": "Floor plan {layout}: counters coloured by p90 waiting time",
    "chart_clock": "Floor plan at {clock}: people in waiting zones and queue per agency",
    "chart_compare_p90": "p90 waiting time per variant (95% interval)",
    "chart_compare_within": "Called within target per variant (95% interval)",
    "target_line": "Target {minutes:g} minutes",
    "p90_line": "p90 = {minutes:.1f} minutes",
    "seats_line": "Seats (dotted line)",
    "target": "Target",
    "plan_seats": "seats",
    "plan_in": "IN",
    "plan_out": "OUT",
    "plan_kiosk": "ticket machine",
    "plan_info": "information",
    "plan_x": "x (m)",
    "plan_y": "y (m)",
    "plan_p90_label": "p90 waiting time (minutes)",
    "queue_short": "queue",
    "clock_colour_label": "People / seats",
    "clock": "Time of day",
    "clock_help": "Slide to see the waiting zones and queues at a given time.",
    "compare_help": (
        "Save the results shown as a variant (at most {limit}), change the floor plan or "
        "counters, run, save again, then compare. Variants with the same random seed and "
        "number of replications are compared in pairs (common random numbers)."
    ),
    "variant_name": "Variant name",
    "save_variant": "Save as variant",
    "variant_saved": "Variant {name} saved.",
    "variant_full": "There are already {limit} variants. Remove one first.",
    "variant_duplicate": "These results are already saved as variant {name}.",
    "variant_name_taken": "The name {name} is taken; choose another.",
    "variant_line": "**{letter}. {name}**: floor plan {layout}, {counters} counters, {day}",
    "remove_variant": "Remove",
    "compare_need_two": "Save at least two variants to compare them.",
    "baseline": "Reference variant",
    "compare_side_by_side": "Variants side by side",
    "compare_pair_title": "{b} compared with {a}",
    "compare_not_paired": (
        "The two variants use a different random seed or number of replications, so they "
        "cannot be compared in pairs. Run them again with the same seed and replications."
    ),
    "col_kpi": "Measure",
    "row_layout": "Floor plan",
    "row_counters": "Counters",
    "row_agencies": "Agencies",
    "row_target_met": "{share:.0f}% called within {minutes:g} minutes?",
    "yes": "yes",
    "no": "no",
    "kpi_wait_p90_min": "p90 waiting time",
    "kpi_within_target": "called within target",
    "kpi_wait_mean_min": "mean waiting time",
    "kpi_abandoned": "visitors who gave up",
    "kpi_turned_away": "visitors turned away",
    "kpi_waiting_peak": "waiting-zone peak",
    "kpi_walk_mean_m": "mean walking distance",
    "unit_min": "minutes",
    "unit_pct": "%",
    "unit_pct_points": "percentage points",
    "unit_people": "people",
    "unit_m": "m",
    "verdict_better": (
        "**{better}** is better for {kpi}: {diff} {unit} {direction} than {worse} "
        "(95% confidence interval of the difference: {low} to {high} {unit})."
    ),
    "verdict_none": (
        "No significant difference in {kpi} between {a} and {b} (95% confidence interval "
        "of {b} minus {a}: {low} to {high} {unit}, which includes zero)."
    ),
    "lower_time": "shorter",
    "higher_time": "longer",
    "lower_share": "lower",
    "higher_share": "higher",
    "lower_count": "fewer",
    "higher_count": "more",
    "lower_distance": "shorter",
    "higher_distance": "longer",
    "compare_target_yes": (
        "Meet the target ({share:.0f}% called within {minutes:g} minutes): {names}."
    ),
    "compare_target_no": "Do not meet the target yet: {names}.",
    "verdict_unknown": "The difference in {kpi} cannot be judged (too little data).",
    "verdict_same": (
        "{a} and {b} are about the same for {kpi}: they differ by {diff} {unit}, less than the "
        "practical threshold of {threshold} {unit}."
    ),
    "download_report": "Download the comparison report (HTML)",
    "report_title": "MPP Purbalingga variant comparison report",
    "report_created": "Created {when} with mpp-sim {version}.",
    "report_variants": "Variants",
    "report_variant_line": (
        "{name}: floor plan {layout}, {day} ({weekday}), {agencies} agencies, {counters} "
        "counters, {replications} replications, random seed {seed}"
    ),
    "report_figures": "Figures",
    "report_method": (
        "Differences are paired per replication (common random numbers: the same seed and "
        "replication numbers); 95% confidence intervals from Student's t distribution. A "
        "difference is called significant when its interval does not include zero."
    ),
    # calibration from a ticket log (simulator/ui/calibration.py)
    "tab_calibration": "Calibration",
    "calib_title": "Calibrate from the queue-ticket log",
    "calib_help": (
        "Upload the ticket log exported from the queue system (one row per ticket, see "
        "docs/calibration.md). You get a scenario fitted to the hall's own days, and a report "
        "comparing the log with the simulation."
    ),
    "calib_log": "Ticket log (CSV)",
    "calib_holidays": "Public holidays (CSV, column date; optional)",
    "calib_bookings": "Online bookings (CSV; optional)",
    "calib_sep": "Column separator",
    "calib_decimal": "Decimal mark",
    "calib_run": "Calibrate",
    "calib_running": "Reading the log, estimating and simulating ...",
    "calib_done": (
        "{valid} of {rows} rows valid ({rejected} rejected), {days} dates. Scenario ready."
    ),
    "calib_rejected": "First rejected rows: {lines}",
    "calib_error": "The log cannot be read: {message}",
    "calib_download_scenario": "Download the calibrated scenario (YAML)",
    "calib_download_report": "Download the calibration report (HTML)",
    "calib_continue": "Continue with this scenario",
    "calib_continued": "The calibrated scenario is now in use; see the Results and Edit tabs.",
    "sep_comma": "comma ,",
    "sep_semicolon": "semicolon ;",
    "sep_tab": "tab",
    # ---- pictures (issue 15: simulator/ui/plan_view.py, playback.py, interactive.py) ----
    "pic_plan_aria": "Floor plan of the building",
    "pic_ground_floor": "Ground floor",
    "pic_floor": "Floor {level}",
    "pic_counter_head": "Counter {slot} ({queue}, counter {k} of {n})",
    "pic_group": "Shared counters: {name}",
    "pic_p90_line": "p90 waiting time: {value}",
    "pic_target_line": "Target: {value} minutes",
    "pic_minutes": "{value} minutes",
    "pic_never_called": "more than 10% never called",
    "pic_closed_today": "Closed on this day",
    "pic_no_visitors": "No visitors",
    "pic_empty_slot": "Counter {slot}: empty (no agency uses it)",
    "pic_zone_tip": "Waiting zone {name}: {seats} seats",
    "pic_zone_seats": "{seats} seats",
    "pic_kiosk_tip": "Ticket machine: visitors take their queue ticket here",
    "pic_info_tip": "Information desk",
    "pic_stair": "stair {link}",
    "pic_lift": "lift {link}",
    "pic_legend_p90": "Counter colour: p90 waiting time (minutes)",
    "pic_legend_target": "target {value}",
    "pic_legend_empty": "Empty counter",
    "pic_legend_closed": "Closed / no visitors",
    "pic_legend_zone": "Waiting zone",
    "pic_legend_priority_zone": "Priority waiting zone",
    "pic_legend_seat": "Seat",
    "pic_legend_obstacle": "Obstacle / closed-off room (grey)",
    "pic_legend_wall": "Wall",
    "pic_legend_kiosk": "Ticket machine (triangle), information desk (diamond)",
    "pic_legend_in": "Entrance",
    "pic_legend_out": "Exit",
    "pic_legend_link": "Stair / lift",
    "pb_title": "One day on the floor plan: {name}",
    "pb_play": "▶ Play",
    "pb_pause": "❚❚ Pause",
    "pb_speed": "Speed",
    "pb_speed_option": "{speed} minutes per second",
    "pb_scrub": "Slide to any time of day",
    "pb_zone_people": "{n} people / {seats} seats",
    "pb_zone_tip": "Waiting zone {name}: {n} people, {seats} seats, room for {capacity}",
    "pb_inside": "In the building: {n}",
    "pb_waiting": "Waiting to be called: {n}",
    "pb_served": "Gone home: {n}",
    "pb_tickets_tip": "{n} tickets waiting: {name}",
    "pb_legend_dots": "Dot colour: wait since taking a ticket (minutes)",
    "pb_legend_arriving": "Arriving, at the ticket machine",
    "pb_legend_leaving": "Leaving",
    "pb_legend_priority": "Priority visitor",
    "pb_legend_badge": "Tickets waiting per agency",
    "iv_agency": "Agency",
    "iv_zone": "Waiting zone",
    "iv_seats": "Seats",
    "iv_room": "Room (seated and standing)",
    "iv_variant": "Variant",
    "iv_unit_min": "minutes",
    "iv_wait_range": "{low} to {high} minutes",
    "iv_share_visitors": "{value}% of ticket holders",
    "iv_target_mark": "Target {value} minutes",
    "iv_goal_mark": "Goal {value}%",
    "iv_p90_mark": "p90 = {value} minutes",
    "iv_never_called": "{share}% of ticket holders never called (not in the chart)",
    "iv_value_ci": "{value} {unit} (95% interval: {low} to {high})",
    "iv_called_within": "{share}% called within {minutes} minutes",
    "iv_axis_called_within": "Called within this wait (%)",
    "iv_chart_called_within": "Share called within so many minutes, per variant",
    "pb_caption": (
        "One simulated day (the first replication) played on the plan: each dot is a visitor. "
        "Press Play, set the speed, or slide to any time; point at a counter or waiting zone "
        "for its details."
    ),
    "pb_download": "Download this day's playback (HTML, opens without internet)",
    # issue 15: the KPI strip, the overview table, the editor's new levers, verdicts
    "p90_not_reached": "not reached",
    "p90_not_reached_short": "not reached",
    "p90_not_reached_note": "more than 10% of ticket holders gave up before being called",
    "p90_note": "target {target} min · ± {ci}",
    "p90_note_open": "target {target} min · interval's upper end not reached",
    "metric_p90_help_basis": (
        "90% of ticket holders are called within this time, counted from taking the ticket to "
        "being called; those who gave up count as never called."
    ),
    "within_note": "target {goal}%",
    "lost_note": "{gave_up} gave up, {turned} turned away per day",
    "metric_wait_mean": "Mean wait",
    "split_note": "{before} min before the counters open · {after} after",
    "metric_split_help": (
        "The part of the wait before the counters open cannot be shortened by more counters; "
        "the part after can."
    ),
    "no_layout_short": "no floor plan",
    "peak_overflow": "full: {share} waited outside the zone",
    "peak_stood": "{share} waited standing",
    "peak_seated": "everyone could sit",
    "light_green": "green: meets the target",
    "light_amber": "amber: close to the target",
    "light_red": "red: far from the target",
    "light_grey": "grey: no target",
    "before_opening_note": (
        "Of the mean wait of {mean} minutes, {before} minutes pass before the counters open at "
        "{opening} ({early} of visitors come early). More counters only shorten the rest, "
        "{after} minutes."
    ),
    "stale_error": "The results above are still those of the previous scenario.",
    "stale_invalid": (
        "The last change is not valid yet, so it has not run: the results above are still "
        "those of the previous scenario."
    ),
    "edit_behaviour": (
        "Every change runs at once: the figures above are always those of the scenario on this "
        "page. A change that is not valid yet is marked and does not run."
    ),
    "col_days": "Days open",
    "col_days_help": "Days the agency opens its counters; on other days it has no visitors.",
    "col_days_edit_help": "Choose the days the agency opens its counters.",
    "col_counters_help": "Counters open (shared counters: its group's).",
    "col_counters_edit_help": "Agencies at shared counters: 0 (the group's counters are below).",
    "col_arrivals_help": "Visitors per day (mean over replications).",
    "col_lost": "Not served",
    "col_lost_help": "Gave up before being called or turned away (quota, last ticket), per day.",
    "col_wait_mean_help": "Mean wait of those called, in minutes.",
    "col_before": "Pre-open",
    "col_before_help": (
        "The part of the mean wait before the counters open (minutes): more counters do not "
        "change it."
    ),
    "col_after": "After opening",
    "col_early": "Came before opening",
    "col_wait_p90_help": "90% are called within this time (minutes); green: within target.",
    "col_within_help": "Share called within the target; green: meets the target.",
    "col_utilisation_help": "Share of the counters' staffed time spent serving.",
    "col_ci_points": "± 95% (points)",
    "col_overtime": "Overtime (min)",
    "col_p90_booked": "p90 booked",
    "col_p90_walk_in": "p90 walk-in",
    "col_within_booked": "Within target (booked)",
    "col_within_walk_in": "Within target (walk-in)",
    "col_slot_fill": "Slots filled",
    "col_no_show": "No-shows",
    "closed_today_name": "{name} (closed on {weekday})",
    "closed_today": "{name} opens only on {days}; closed on {weekday}, so it has no visitors.",
    "group_line": "Shared counters {group}: {counters} counters serve {agencies} from one queue.",
    "details_title": "Full figures per agency (confidence intervals, online booking, overtime)",
    "details_help": (
        "± is the half-width of the 95% confidence interval. Wait before opening + after "
        "opening = mean wait."
    ),
    "table_zones_help": ("Full: share of visitors who found the zone full and waited elsewhere."),
    "col_zone_kind": "Kind",
    "col_zone_agencies": "Agencies",
    "col_overflow": "Full",
    "zone_priority": "priority",
    "zone_regular": "general",
    "downloads_help": (
        "CSV with commas between columns and a decimal point; shares in percent (columns "
        "ending in _pct)."
    ),
    "edit_groups": "Shared counters",
    "groups_help": "One queue for several agencies; change the group's counters here.",
    "col_group": "Shared counters",
    "col_group_agencies": "Serves",
    "edit_booking": "Online booking",
    "booking_help": (
        "Choose the agencies that take bookings. Share of visitors who book a slot, slot "
        "length, bookings per slot, and counters for booked visitors only. Slots run from "
        "service start to the last ticket."
    ),
    "booking_agencies": "Agencies with online booking",
    "booking_none": "None",
    "col_booking_share": "Book (%)",
    "col_booking_slot": "Slot (min)",
    "col_booking_per_slot": "Bookings per slot",
    "col_booking_reserved": "Counters for booked only",
    "error_booking_share": "The booking share of {agency} must be 0-100% (found: {value}).",
    "error_booking_slot": "The slot length of {agency} must be 1-240 minutes (found: {value}).",
    "error_booking_per_slot": (
        "The bookings per slot of {agency} must be a whole number 1-100 (found: {value})."
    ),
    "error_booking_reserved": (
        "The counters for booked visitors of {agency} must be 0 to {counters} (found: {value})."
    ),
    "error_days_open": "{agency} must open on at least one day.",
    "error_group_counters": (
        "{agency} is served by shared counters {group}: its own counters must be 0; change the "
        "group's counters under Shared counters."
    ),
    "placement_show": "Show and change where the counters are on the plan",
    "placement_help": (
        "Every counter slot of the plan and whom it serves. Change it to move counters; the plan "
        "below shows the outcome."
    ),
    "placement_preview": "The plan with the current placement of counters",
    "placement_optimise": "Propose the placement with the shortest walking",
    "placement_optimise_help": (
        "The placement optimiser puts each agency's counters side by side and clusters close "
        "together, so visitors walk least. Its proposal fills the table, where you can change it."
    ),
    "placement_optimised": (
        "Proposed placement: about {after} m of walking on average (before: {before} m). The "
        "table below uses it; the results above are already recomputed."
    ),
    "col_slot": "Slot",
    "col_owner": "Serves",
    "slot_empty": "(empty)",
    "layout_building": "{name} ({floors}-floor building)",
    "layout_too_few_slots": (
        "Floor plan {layout} has only {slots} counter slots, but the scenario needs {counters} "
        "counters. Choose another plan or fewer counters."
    ),
    "layout_slot_missing": (
        "Floor plan {layout} has no slot {slots}, which this scenario's placement uses."
    ),
    "layout_unfit": "The scenario does not fit floor plan {layout}: {detail}",
    "layout_unreadable": "Floor plan {layout} cannot be read.",
    "settings": "Comparison settings",
    "settings_help": (
        'Differences below these practical thresholds are called "about the same", whatever '
        "their confidence interval says."
    ),
    "threshold_wait": "Waiting-time threshold (minutes)",
    "threshold_share": "Called-within-target threshold (percentage points)",
    "threshold_walk": "Walking threshold (m)",
    "download_scenario_zip": "Download the scenario and its plan (ZIP)",
    "download_scenario_help": (
        "This file runs from any folder (mpp-sim run) and uploads back into the app."
    ),
    "edited_description": "Edited in the app from {base}: {changes}.",
    "edited_name": "{base} (edited)",
    "change_weekday": "{day}",
    "change_day_type": "day type {day}",
    "change_visitors": "{visitors} visitors on a normal day",
    "change_hour": "{what} {time}",
    "change_left_out": "without {names}",
    "change_counters": "{name} {old}→{new} counters",
    "change_days": "{name} open {days}",
    "change_booking": "{name} takes bookings: {share} in {slot}-minute slots of {per_slot}",
    "change_booking_off": "{name} without booking",
    "change_service": "service time of {name} changed",
    "change_shares": "visitor shares changed",
    "change_placement": "counter placement changed",
    "change_layout": "floor plan {layout}",
    "change_counted_ticket": "waits counted from the ticket",
    "change_counted_service_start": "waits counted from service start",
    "change_run": "{replications} replications, seed {seed}",
    "variant_name_counters": "{layout} {counters} counters",
    "variant_name_delta": "{layout} {delta} counters",
    "variant_name_same": "{layout}",
    "layoutname_korpri-central": "Central",
    "layoutname_korpri-clusters": "Clusters",
    "layoutname_korpri-compact": "Compact",
    "layoutname_korpri-2f": "Two floors",
    "compare_verdicts": "Verdict",
    "layouts_title": "Compare floor plans: how many counters fit and their best",
    "layouts_help": (
        "For the scenario on screen, each plan: counter slots, seats, the fewest counters "
        "meeting the target, and the best with every slot used (agencies placed by the "
        "placement optimiser). Takes some seconds per plan."
    ),
    "layouts_choose": "Plans to compare",
    "layouts_run": "Compare plans",
    "layouts_running": "Comparing {plans} plans ...",
    "layouts_no_fit": "does not fit",
    "layouts_table_help": (
        "Counters that fit: the fewest counters meeting the p90 target of {minutes} minutes at "
        "every agency. Best: every slot used."
    ),
    "col_plan": "Plan",
    "col_slots": "Counter slots",
    "col_counters_fit": "Counters that fit",
    "col_best_counters": "Counters (best)",
    "compare_statistics": "The statistics behind the verdict",
    "compare_thresholds": (
        '"About the same": a difference under {wait} minutes, {share} percentage points or '
        "{walk} m (change it in Comparison settings)."
    ),
    "sentence_better": "**{b}** is better than **{a}**: {details}.",
    "sentence_worse": "**{b}** is worse than **{a}**: {details}.",
    "sentence_same": "**{b}** is about the same as **{a}**: {details}.",
    "sentence_mixed": "**{b}** against **{a}** gains some and loses some: {details}.",
    "sentence_unclear": "**{b}** against **{a}** shows no clear difference yet: {details}.",
    "sentence_not_paired": (
        "**{b}** cannot be compared with **{a}**: their random seed or replications differ."
    ),
    "clause_same": "{kpi} about the same ({b})",
    "clause_unclear": "{kpi} {b} against {a}, no clear difference",
    "clause_values": "{kpi} {b} against {a}",
    "clause_changed": "{kpi} {b} against {a} ({diff} {unit} {direction})",
    "col_diff": "Difference B − A",
    "col_diff_ci": "95% interval of the difference",
    "col_threshold": "Practical threshold",
    "col_verdict": "Verdict",
    "verdict_word_a": "A better",
    "verdict_word_b": "B better",
    "verdict_word_same": "about the same",
    "verdict_word_none": "no clear difference",
    "verdict_word_no_data": "no visitors",
    "wd_mon": "Mon",
    "wd_tue": "Tue",
    "wd_wed": "Wed",
    "wd_thu": "Thu",
    "wd_fri": "Fri",
    "wd_sat": "Sat",
    "wd_sun": "Sun",
}

#: Language code -> key -> text.
CATALOGUE: Mapping[str, Mapping[str, str]] = {"id": _ID, "en": _EN}


class Translator:
    """Texts of one language: ``tr("value_minutes", value=3.5)`` formats the catalogue entry."""

    def __init__(self, lang: str) -> None:
        if lang not in CATALOGUE:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self._texts = CATALOGUE[lang]

    def __call__(self, key: str, /, **values: object) -> str:
        """The text for ``key`` with ``values`` filled in (a missing key is a bug: KeyError)."""
        text = self._texts[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """Whether the catalogue has ``key``."""
        return key in self._texts


def day_type_label(day_type: str, tr: Translator) -> str:
    """A known day type in words; a scenario's own day type as written."""
    key = f"daytype_{day_type}"
    return tr(key) if tr.has(key) else day_type


def agency_names(scenario: Scenario, lang: str) -> dict[str, str]:
    """Agency id -> its name in ``lang`` (the other language's name, else the id, if missing)."""
    names = {}
    for agency in scenario.agencies:
        first, second = (
            (agency.name_id, agency.name_en) if lang == "id" else (agency.name_en, agency.name_id)
        )
        names[agency.id] = first or second or agency.id
    return names
