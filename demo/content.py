"""What the demo site contains. Data only; demo.services writes it."""

DEMO_PASSWORD = "handoff-demo-2026"

# (username, email, display name, role, language, time zone)
PEOPLE = [
    ("admin", "admin@example.com", "Site admin", "admin", "en", "UTC"),
    ("mei_support", "mei@example.com", "Mei", "agent", "zh-hans", "Asia/Shanghai"),
    ("tom_support", "tom@example.com", "Tom", "agent", "en", "Europe/Berlin"),
    ("wendy", "wendy@example.com", "Wendy", "moderator", "en", "America/New_York"),
    ("alice", "alice@example.com", "Alice", "member", "en", "America/New_York"),
    ("bob", "bob@example.com", "Bob", "member", "en", "Europe/London"),
    ("chen_wei", "chenwei@example.com", "陈伟", "member", "zh-hans", "Asia/Shanghai"),
    ("li_na", "lina@example.com", "李娜", "member", "zh-hans", "Asia/Shanghai"),
    ("dmitri", "dmitri@example.com", "Dmitri", "member", "en", "Europe/Berlin"),
]

# (slug, English name, Chinese name, English description, Chinese description, colour)
CATEGORIES = [
    (
        "transfers",
        "Transfers",
        "转账",
        "Sending and receiving: pending, failed or missing transfers, fees and networks.",
        "发送与接收：转账卡住、失败或未到账，手续费与网络选择。",
        "#2563eb",
    ),
    (
        "balances",
        "Balances & assets",
        "资产",
        "Balances that look wrong, tokens that do not show, adding custom tokens.",
        "余额显示不对、代币不显示、添加自定义代币。",
        "#059669",
    ),
    (
        "security",
        "Security",
        "安全",
        "Backups, recovery, suspicious messages and scams. Never share your recovery phrase.",
        "备份、恢复、可疑信息与诈骗。切勿透露助记词。",
        "#dc2626",
    ),
    (
        "install",
        "Install & update",
        "下载安装",
        "Getting the app on your phone or computer, updates and official download sources.",
        "在手机或电脑上安装应用、更新与官方下载渠道。",
        "#7c3aed",
    ),
    (
        "dapps",
        "DApps",
        "DApps",
        "Connecting to decentralised apps, approvals, swaps and bridges.",
        "连接去中心化应用、授权、兑换与跨链桥。",
        "#d97706",
    ),
    (
        "other",
        "Other",
        "其他",
        "Anything else about the wallet.",
        "其他与钱包相关的问题。",
        "#64748b",
    ),
]
