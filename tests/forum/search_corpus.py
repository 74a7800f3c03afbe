"""A fixture corpus of wallet support threads, and the relevance set searched over it.

TARGETS are threads that queries must find; DISTRACTORS are threads built from templates
that share the common words (USDT, transfer, exchange, 转账, 交易所...) without answering
the same question. RELEVANCE is (query, key of the expected thread): half Chinese
(traditional and variant spellings, words only in the body, queries sharing no substring
with the title), half English (inflections, words only in the body or a reply).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Doc:
    key: str
    title: str
    body: str
    replies: tuple[str, ...] = ()
    tx_hash: str = ""
    category: str = "transfers"


def _d(key, title, body, *replies, tx_hash="", category="transfers"):
    return Doc(key, title, body, tuple(replies), tx_hash, category)


ETH_HASH = "0x7f3a9c2be41d0f6a5c8e7b9d1a2f3e4c5b6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e"
TRON_ADDRESS = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"

TARGETS = [
    # --- English -------------------------------------------------------------
    _d(
        "usdt-tron-pending",
        "USDT on TRON stuck pending for hours",
        "I sent 200 USDT (TRC-20) to Binance two hours ago and the wallet still says pending. Tronscan shows nothing yet.",
        "If tronscan has no record, the transaction was never broadcast. Keep some TRX for the fee and send again.",
    ),
    _d(
        "wrong-network",
        "Deposited on the wrong network, exchange cannot see it",
        "I picked BNB Smart Chain instead of Ethereum when sending to my exchange deposit address. The exchange says the coins are not credited.",
        "Most exchanges can recover a wrong-chain deposit for a fee; open a ticket with them and give the hash.",
    ),
    _d(
        "lost-phrase",
        "Never wrote down my backup words, phone still works",
        "I never wrote down the 12 words when I created the wallet. The app still opens with my passcode. Can I still see them?",
        "Yes: Settings, Wallets, Back up now. Write the words on paper while the app still opens.",
        category="security",
    ),
    _d(
        "gas-high",
        "Why is the network fee so high for an ERC-20 send?",
        "Sending 50 USDT on Ethereum costs 12 dollars in gas. Is the wallet charging extra?",
        "The wallet charges nothing; gas depends on how busy Ethereum is. Try later or use a cheaper chain.",
    ),
    _d(
        "revoke-approval",
        "How do I revoke a token approval I gave to a DApp?",
        "I connected to a farming site and approved unlimited spending of my USDC. Now I am worried it can drain the tokens.",
        "Open the approvals page in the wallet and revoke the spender; it costs a small network fee.",
        category="dapps",
    ),
    _d(
        "balance-zero",
        "Balance shows 0 after updating the app",
        "After updating to 5.12 my ETH and BNB show zero. I never shared my recovery phrase.",
        "Pull down to refresh. The price service had an outage; your coins are on chain, check the explorer.",
        category="balances",
    ),
    _d(
        "apk-install",
        "Cannot install the APK on Android: App not installed",
        "I downloaded the apk from the official site and my Huawei phone says the package conflicts with an existing one.",
        "Uninstall the old version first (keep your recovery phrase!), then install again.",
        category="install",
    ),
    _d(
        "ios-region",
        "The iPhone app is not in the App Store in my region",
        "I moved country and cannot find the app any more. How do I reinstall it on iOS?",
        "Switch your Apple ID to a region where it is listed, or use the TestFlight link from the official site.",
        category="install",
    ),
    _d(
        "nft-missing",
        "My NFT does not show up in the collectibles tab",
        "I minted an NFT on Polygon yesterday; OpenSea shows it in my address but the wallet does not.",
        "Collectibles refresh once a day; you can also add the collection manually.",
        category="balances",
    ),
    _d(
        "swap-slippage",
        "Swap failed: slippage tolerance exceeded",
        "Trying to swap BNB for a new token on PancakeSwap keeps failing with a slippage error.",
        "New tokens often have a sell tax; raise slippage to 12 percent, and be careful with such tokens.",
        category="dapps",
    ),
    _d(
        "ledger-bluetooth",
        "Ledger over Bluetooth will not pair with the app",
        "My Ledger Nano X pairs with the phone settings but the wallet app never finds the device.",
        "Unpair it in the phone's Bluetooth settings, update the firmware, and pair from inside the app.",
        category="security",
    ),
    _d(
        "fake-support",
        "Someone claiming to be support asked for my seed phrase on Telegram",
        "A person with the team's logo messaged me and asked me to verify my wallet by sending the words.",
        "That is a scammer. Real support never asks for your recovery phrase. Block and report.",
        category="security",
    ),
    _d(
        "custom-token",
        "How to add a custom token by contract address",
        "The token I bought is not in the list. I have its contract from the project site.",
        "Tap the plus icon, choose custom token, pick the network and paste the contract.",
    ),
    _d(
        "cancel-speedup",
        "Can I cancel or speed up a stuck Ethereum transaction?",
        "I set the gas too low and now the transaction has been waiting for an hour.",
        "Send a replacement with the same nonce and a higher fee; the wallet calls it speed up.",
    ),
    _d(
        "freeze-trx",
        "Freezing TRX for energy: how much do I need?",
        "I send USDT on TRON every day and the fees add up. People say staking TRX gives free energy.",
        "One TRC-20 transfer needs about 65,000 energy; stake enough TRX to cover it, staking 2.0 explains it.",
    ),
    _d(
        "sol-withdrawal",
        "Withdrawal from the exchange is confirmed but the SOL is not in my wallet",
        "Solscan shows success for the withdrawal, but my balance did not change.",
        "You are probably looking at a different account; add the address shown on Solscan.",
        category="balances",
    ),
    _d(
        "xrp-tag",
        "Forgot the destination tag when depositing XRP to an exchange",
        "I sent XRP to Kraken without the tag. The deposit is confirmed on the ledger.",
        "Contact the exchange with the transaction id; they credit untagged deposits by hand.",
    ),
    _d(
        "switch-wallets",
        "How to switch between several wallets in the app",
        "I created a second wallet for savings and cannot find how to go back to the first.",
        "Tap the wallet name at the top of the home screen; the list of your wallets opens.",
        category="install",
    ),
    _d(
        "dapp-blank",
        "DApp browser shows a blank white page",
        "Every site I open in the discover tab stays white, even Uniswap.",
        "Clear the browser cache in settings and check that your VPN is not blocking it.",
        category="dapps",
    ),
    _d(
        "airdrop-scam",
        "Got a free airdrop token I cannot sell, the site asks me to connect",
        "A token worth 5000 dollars appeared in my wallet. Its website wants me to connect and claim.",
        "Do not connect: these fake airdrops drain wallets through an approval. Hide the token.",
        category="security",
    ),
    _d(
        "export-key",
        "How do I export the private key of one account?",
        "I want to import only one address into another app, not the whole wallet.",
        "Wallet settings, select the address, Export private key; never paste it on a website.",
        category="security",
    ),
    _d(
        "address-poisoning",
        "I sent funds to an address that looked like mine",
        "I copied the address from my history. The first and last characters matched but it belongs to someone else.",
        "That is address poisoning: a scammer sent you a tiny transfer from a look-alike address. Always check the whole address.",
        category="security",
    ),
    _d(
        "passcode-forgot",
        "Forgot the app passcode and I am locked out",
        "Face ID stopped working and I entered the six-digit code wrong too many times.",
        "Reinstall the app and restore with your recovery phrase; the passcode only protects this phone.",
        category="security",
    ),
    _d(
        "bridge-stuck",
        "Cross-chain bridge transfer stuck for a day",
        "I bridged USDC from Arbitrum to Polygon 24 hours ago and nothing arrived.",
        "Look the source hash up on the bridge's own explorer; most bridges need a manual claim on the destination.",
    ),
    _d(
        "price-wrong",
        "Token price shown in the wallet is wrong",
        "The chart displays a different price from CoinGecko for my token.",
        "Prices come from one aggregator and can lag for small tokens.",
        category="balances",
    ),
    _d(
        "push-missing",
        "I do not get push notifications for incoming payments",
        "Friends send me USDT and the app never pings me, notifications are allowed.",
        "Turn on transaction alerts in the app's settings and disable battery optimisation.",
        category="install",
    ),
    _d(
        "watch-only",
        "Can I add a watch-only wallet to track an address?",
        "I want to follow my cold storage balance without importing the keys.",
        "Yes, add wallet, watch an address, and paste it.",
        category="balances",
    ),
    _d(
        "hash-deposit",
        "Exchange says they never received my ETH deposit",
        f"The explorer shows the transaction {ETH_HASH} confirmed with 40 confirmations.",
        "Send the exchange that hash; if it is confirmed, the delay is on their side.",
        tx_hash=ETH_HASH,
    ),
    _d(
        "tron-address",
        "Is this TRON address a scam?",
        f"A seller asked me to pay to {TRON_ADDRESS} for a discount. Is it safe?",
        "Never pay strangers for discounts; that address has many complaints.",
        category="security",
    ),
    _d(
        "resource-error",
        "Error 'account resource insufficient' when sending TRC-20",
        "Every time I send USDT on TRON the app says the account resource is insufficient.",
        "You lack energy and bandwidth; keep about 30 TRX to burn for the fee.",
    ),
    _d(
        "walletconnect",
        "WalletConnect QR code expired, cannot connect to a desktop site",
        "Scanning the code from the desktop site always says the session expired.",
        "Update the app, check the phone's clock is automatic, then scan a fresh code.",
        category="dapps",
    ),
    _d(
        "language",
        "How to change the app language",
        "My phone is in German but I would like the wallet in English.",
        "Settings, Preferences, Language.",
        category="install",
    ),
    _d(
        "icloud-backup",
        "Is it safe to back up the recovery phrase to iCloud?",
        "Saving a screenshot of the words to the cloud seems convenient.",
        "No: anyone who gets into your cloud account gets your coins. Write it on paper.",
        category="security",
    ),
    _d(
        "dust",
        "Received tiny amounts from unknown addresses",
        "Every day I get 0.0001 USDT from random senders. What are these?",
        "Dusting, often to set up address poisoning. Ignore them and never copy addresses from history.",
        category="security",
    ),
    # --- Chinese -------------------------------------------------------------
    _d(
        "zh-exchange-not-arrived",
        "转账到交易所显示成功，但交易所一直没到账",
        "从钱包往交易所转了 500 USDT（ERC-20），区块浏览器上显示成功，已经两个小时了，交易所还是没有入账。",
        "链上成功就说明钱包这边完成了，请联系交易所客服并提供交易哈希，让他们查充值记录。",
    ),
    _d(
        "zh-energy",
        "TRC20 转账总是失败，提示资源不足",
        "每次转 USDT 都失败，提示账户资源不足，钱包里还有 USDT 但是没有 TRX。",
        "需要质押 TRX 获取能量，或者留一些 TRX 作为手续费燃烧。",
    ),
    _d(
        "zh-lost-mnemonic",
        "助记词丢了，还能找回钱包吗？",
        "换了新手机，之前没有抄写那 12 个单词，旧手机也恢复出厂了。",
        "如果旧设备已经清空，又没有备份，资产就无法找回了。以后请务必手抄备份。",
        category="security",
    ),
    _d(
        "zh-key-leaked",
        "私钥泄露了怎么办",
        "我把私钥截图发给了一个自称官方客服的人，现在很担心。",
        "立刻新建一个钱包，把所有资产转移过去，旧地址不要再使用。",
        category="security",
    ),
    _d(
        "zh-android-install",
        "安卓手机无法安装，提示解析包时出现问题",
        "从官网下载的安装包，华为手机一直装不上。",
        "请先卸载旧版本（确认已备份助记词），再重新下载最新版安装。",
        category="install",
    ),
    _d(
        "zh-appstore",
        "苹果手机在应用商店搜不到这个钱包",
        "国区 Apple ID 搜不到 App，应该怎么下载？",
        "需要切换到外区 Apple ID 下载，或者使用官网提供的 TestFlight 链接。",
        category="install",
    ),
    _d(
        "zh-revoke",
        "授权了一个陌生合约，怎么取消？",
        "在某个挖矿网站上点了批准，担心资产被盗。",
        "在钱包的授权管理里找到这个合约，撤销即可，需要一点矿工费。",
        category="dapps",
    ),
    _d(
        "zh-gas",
        "以太坊转账矿工费太贵了",
        "转 100 USDT 要十几美元的 gas，是不是钱包多收了？",
        "钱包不额外收费，网络拥堵时 gas 会变高，可以换到手续费低的链。",
    ),
    _d(
        "zh-slippage",
        "闪兑失败，提示滑点过大",
        "用 BNB 换一个新币，一直失败。",
        "新币往往有交易税，把滑点调高到 12%，也要小心这类代币。",
        category="dapps",
    ),
    _d(
        "zh-balance-zero",
        "更新后余额显示为0，币还在吗？",
        "昨晚更新到最新版，今天打开发现 BNB 和 USDT 都显示为零。",
        "下拉刷新即可，行情服务刚才出了故障，链上资产不受影响。",
        category="balances",
    ),
    _d(
        "zh-nft",
        "NFT 收藏品不显示",
        "在 Polygon 上铸造了一个 NFT，OpenSea 能看到，钱包里看不到。",
        "收藏品每天刷新一次，也可以手动添加合集。",
        category="balances",
    ),
    _d(
        "zh-wrong-chain",
        "USDT 转错网络了，从币安链转到了以太坊地址",
        "充值的时候选错了链，交易所说没收到。",
        "同一个地址在两条链上通用，交易所一般可以人工找回，会收取一定费用。",
    ),
    _d(
        "zh-password",
        "忘记钱包密码，无法登录",
        "指纹失效了，密码输错太多次被锁住。",
        "卸载重装后用助记词恢复钱包即可，密码只保护这台设备。",
        category="security",
    ),
    _d(
        "zh-custom-token",
        "如何添加自定义代币",
        "我买的币在列表里找不到，项目方给了合约地址。",
        "点右上角加号，选择自定义代币，选网络后粘贴合约地址。",
    ),
    _d(
        "zh-stuck-packing",
        "交易一直在打包中，能加速吗",
        "以太坊转账设置的 gas 太低，一个小时还没确认。",
        "可以用相同的 nonce 发一笔更高手续费的交易来加速或取消。",
    ),
    _d(
        "zh-bridge",
        "跨链桥转账卡住一天了",
        "从 Arbitrum 跨 USDC 到 Polygon，24 小时还没到。",
        "在跨链桥自己的浏览器里查源链哈希，有些需要在目标链手动领取。",
    ),
    _d(
        "zh-fake-airdrop",
        "收到陌生空投代币，卖不掉",
        "钱包里突然多了价值 5000 美元的币，网站要求连接钱包领取。",
        "不要连接！这是假空投，会骗你授权后盗走资产。把它隐藏即可。",
        category="security",
    ),
    _d(
        "zh-fake-support",
        "有人冒充客服私信我要助记词",
        "对方头像是官方标志，说要验证钱包。",
        "这是骗子，官方不会索要助记词，请拉黑并举报。",
        category="security",
    ),
    _d(
        "zh-sol-missing",
        "从交易所提币到钱包，交易所显示已完成，钱包里却没有",
        "提了 2 个 SOL，Solscan 上显示成功，钱包余额没变。",
        "可能是看错了账户，把 Solscan 上显示的地址添加到钱包里。",
        category="balances",
    ),
    _d(
        "zh-export-key",
        "如何导出某个账户的私钥",
        "只想把一个地址导入到别的 App，不想导入整个钱包。",
        "钱包设置里选中地址，导出私钥；千万不要粘贴到网页上。",
        category="security",
    ),
    _d(
        "zh-poisoning",
        "转给了一个长得很像我自己的地址",
        "从转账记录里复制的地址，开头和结尾都一样，结果是别人的。",
        "这是地址投毒，骗子先给你转一笔小额，伪造相似地址。每次都要核对完整地址。",
        category="security",
    ),
    _d(
        "zh-dapp-white",
        "DApp 浏览器打开是白屏",
        "发现页里打开任何网站都是一片白。",
        "在设置里清除浏览器缓存，并检查 VPN 是否拦截。",
        category="dapps",
    ),
    _d(
        "zh-xrp-memo",
        "充值 XRP 忘记填写标签",
        "转到交易所的时候没有填 memo，账本上已经确认。",
        "把交易 ID 发给交易所客服，他们可以人工入账。",
    ),
    _d(
        "zh-language",
        "怎么切换钱包的显示语言",
        "手机是英文系统，想把钱包改成中文。",
        "设置 → 偏好设置 → 语言。",
        category="install",
    ),
    _d(
        "zh-watch",
        "观察钱包怎么添加",
        "想看冷钱包的余额，但不想导入私钥。",
        "添加钱包，选择观察地址，粘贴地址即可。",
        category="balances",
    ),
    _d(
        "zh-notify",
        "收不到到账通知",
        "朋友给我转 USDT，App 从来不提醒，系统通知是开着的。",
        "在 App 设置里打开交易提醒，并关闭省电优化。",
        category="install",
    ),
    _d(
        "zh-hardware",
        "硬件钱包蓝牙连接失败",
        "Ledger 在手机蓝牙设置里能配对，但 App 里一直搜不到设备。",
        "在系统蓝牙里取消配对，升级固件后在 App 内重新配对。",
        category="security",
    ),
    _d(
        "zh-price",
        "代币价格显示不对",
        "钱包里的行情和 CoinGecko 上的价格差很多。",
        "价格来自聚合器，小币种可能有延迟。",
        category="balances",
    ),
    _d(
        "zh-cold-hot",
        "冷钱包和热钱包有什么区别",
        "新手想长期存币，该用哪种？",
        "冷钱包私钥不联网，适合长期保存；热钱包方便日常转账。",
        category="security",
    ),
    _d(
        "zh-stake-trx",
        "质押 TRX 获取能量需要多少",
        "每天都要转 USDT，手续费太高，听说质押可以免费转账。",
        "一笔 TRC20 转账大约需要 65000 能量，按这个数量质押 TRX。",
    ),
    _d(
        "zh-cloud",
        "助记词可以存在网盘里吗？",
        "截图存到网盘感觉方便一点。",
        "不可以，网盘账号被盗资产就没了，请抄在纸上。",
        category="security",
    ),
    _d(
        "zh-dust",
        "收到很多小额转账，是粉尘攻击吗",
        "每天都有陌生地址给我转 0.0001 USDT。",
        "是的，常用来做地址投毒，忽略即可，不要从记录里复制地址。",
        category="security",
    ),
]

_COINS = ["USDT", "ETH", "BNB", "TRX", "SOL", "BTC", "USDC", "DOGE"]
_EXCHANGES = ["Binance", "OKX", "Huobi", "Kraken", "Bybit", "KuCoin", "Gate", "MEXC"]
_EN = [
    (
        "{coin} deposit to {exchange} confirmed, how many confirmations do they need?",
        "I moved {n} {coin} to {exchange}. The explorer already shows the transfer as confirmed.",
    ),
    (
        "Where can I see my {coin} transaction history?",
        "The activity list only shows the last month of {coin} transfers; I need older ones for taxes.",
    ),
    (
        "Is {coin} supported for buying with a card?",
        "I want to buy {n} {coin} with my bank card inside the wallet app.",
    ),
    (
        "Price alert for {coin} not working",
        "I set an alert when {coin} crosses a price and the app never told me.",
    ),
    (
        "Sending {coin} to a friend: which network should I choose?",
        "My friend uses {exchange}. The send screen offers several networks for {coin}.",
    ),
    (
        "{coin} shows in the wallet but the value is not counted in the total",
        "The total balance on the home screen ignores my {n} {coin}.",
    ),
]
_ZH = [
    (
        "{coin} 充值到{exchange}需要多少个确认",
        "往{exchange}转了 {n} 个 {coin}，浏览器显示已确认，交易所还要等多久？",
    ),
    ("在哪里查看{coin}的交易记录", "钱包里只能看到最近一个月的 {coin} 转账，报税需要更早的记录。"),
    ("{coin} 可以用银行卡购买吗", "想在钱包里用银行卡买 {n} 个 {coin}。"),
    ("{coin} 价格提醒不起作用", "设置了 {coin} 的价格提醒，到价了也没有通知。"),
    ("给朋友转 {coin} 应该选哪个网络", "朋友用的是{exchange}，转账页面有好几个网络可以选。"),
    ("{coin} 在钱包里显示了，但没有算进总资产", "首页总资产没有包括我的 {n} 个 {coin}。"),
]


def distractors() -> list[Doc]:
    docs = []
    for number, coin in enumerate(_COINS):
        exchange = _EXCHANGES[number]
        for index, (title, body) in enumerate(_EN + _ZH):
            values = {"coin": coin, "exchange": exchange, "n": 10 * (number + index + 1)}
            docs.append(
                _d(
                    f"distractor-{coin}-{index}",
                    title.format(**values),
                    body.format(**values),
                    "Thanks, that helped." if index < len(_EN) else "谢谢，解决了。",
                )
            )
    return docs


RELEVANCE = [
    # --- English: inflections, words of the body or a reply only ------------
    ("usdt tron pending", "usdt-tron-pending"),
    ("tronscan shows nothing", "usdt-tron-pending"),
    ("deposited to the wrong chain", "wrong-network"),
    ("wrong-chain deposit recovered for a fee", "wrong-network"),
    ("forgot to write down the 12 words", "lost-phrase"),
    ("gas fees so expensive", "gas-high"),
    ("revoking approvals", "revoke-approval"),
    ("unlimited spending approved", "revoke-approval"),
    ("balance zero after update", "balance-zero"),
    ("huawei package conflicts", "apk-install"),
    ("reinstalling on iOS after moving country", "ios-region"),
    ("minted nft not showing", "nft-missing"),
    ("swapping fails slippage", "swap-slippage"),
    ("ledger nano bluetooth pairing", "ledger-bluetooth"),
    ("telegram scammer asking for words", "fake-support"),
    ("adding a token with its contract", "custom-token"),
    ("speeding up a transaction with the same nonce", "cancel-speedup"),
    ("staking trx energy", "freeze-trx"),
    ("solscan success but balance unchanged", "sol-withdrawal"),
    ("xrp deposit without tag", "xrp-tag"),
    ("switching wallets", "switch-wallets"),
    ("uniswap white page in discover tab", "dapp-blank"),
    ("fake airdrops drain wallets", "airdrop-scam"),
    ("exporting private keys", "export-key"),
    ("address poisoning", "address-poisoning"),
    ("locked out face id passcode", "passcode-forgot"),
    ("bridged usdc arbitrum polygon", "bridge-stuck"),
    ("price differs from coingecko", "price-wrong"),
    ("no notification for incoming payments", "push-missing"),
    ("watch an address without keys", "watch-only"),
    (ETH_HASH[:18], "hash-deposit"),
    (TRON_ADDRESS[:10], "tron-address"),
    ("account resource insufficient", "resource-error"),
    ("walletconnect session expired", "walletconnect"),
    ("screenshot of recovery phrase in the cloud", "icloud-backup"),
    ("dusting", "dust"),
    # --- Chinese: traditional and variant spellings, body-only words, no shared substring
    ("區塊瀏覽器", "zh-exchange-not-arrived"),
    ("转帐到交易所没到帐", "zh-exchange-not-arrived"),
    ("轉賬失敗 資源不足", "zh-energy"),
    ("没有TRX转不了USDT", "zh-energy"),
    ("助記詞丟失", "zh-lost-mnemonic"),
    ("旧手机恢复出厂 没备份", "zh-lost-mnemonic"),
    ("私鑰洩露", "zh-key-leaked"),
    ("私钥截图发给了客服", "zh-key-leaked"),
    ("華為手機裝不上", "zh-android-install"),
    ("外区 Apple ID 下载", "zh-appstore"),
    ("撤销授权", "zh-revoke"),
    ("以太坊手續費太貴", "zh-gas"),
    ("滑點", "zh-slippage"),
    ("餘額顯示為零", "zh-balance-zero"),
    ("收藏品看不到", "zh-nft"),
    ("選錯鏈 充值", "zh-wrong-chain"),
    ("密碼輸錯被鎖", "zh-password"),
    ("自定義代幣 合約地址", "zh-custom-token"),
    ("打包中 加速", "zh-stuck-packing"),
    ("跨鏈橋", "zh-bridge"),
    ("假空投", "zh-fake-airdrop"),
    ("冒充客服", "zh-fake-support"),
    ("提幣 SOL 沒到", "zh-sol-missing"),
    ("導出私鑰", "zh-export-key"),
    ("地址投毒", "zh-poisoning"),
    ("白屏", "zh-dapp-white"),
    ("memo 标签 XRP", "zh-xrp-memo"),
    ("观察地址", "zh-watch"),
    ("交易提醒 省电", "zh-notify"),
    ("藍牙配對", "zh-hardware"),
    ("冷錢包 熱錢包 區別", "zh-cold-hot"),
    ("粉塵攻擊", "zh-dust"),
]
