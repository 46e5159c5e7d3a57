# mamori — 日本語 (既定の言語)

lang-switch = English
footer-text = mamori — 医療情報システム安全管理ワークベンチ
yes = はい
no = いいえ
save = 保存する
continue = 続ける

## ナビゲーション
nav-label = メインメニュー
nav-dashboard = ダッシュボード
nav-members = 利用者と役割
nav-audit = 監査ログ
nav-settings = 医療機関の設定
nav-admin = プラットフォーム管理
nav-switch-institution = 医療機関を切り替える
nav-sign-out = ログアウト

## 項目名
field-email = メールアドレス
field-password = パスワード
field-name = 名称
field-display-name = 氏名
field-code = 医療機関コード
field-kind = 種別
field-prefecture = 都道府県
field-beds = 病床数
field-mfa-required = 多要素認証の必須化
field-mfa-code = 認証コード

## 役割
role-executive = 経営層
role-security-officer = 医療情報システム安全管理責任者
role-planning-manager = 企画管理者
role-system-operator = システム運用担当者
role-staff = 職員
role-inspector = 立入検査担当
role-vendor-user = 事業者担当者
role-platform-admin = プラットフォーム管理者

## 医療機関の種別
kind-hospital = 病院
kind-clinic = 診療所
kind-dental-clinic = 歯科診療所
kind-pharmacy = 薬局

## ログイン
login-title = ログイン
login-lead = mamori にログインします。メールアドレスとパスワードを入力してください。
login-submit = ログイン
mfa-title = 2段階目の認証
mfa-lead = 認証アプリに表示されている6桁のコードを入力してください。
mfa-recovery-hint = 認証アプリが使えないときは、リカバリーコード(xxxxx-xxxxx)を入力できます。
mfa-submit = 確認する
mfa-cancel = ログインをやめる

## ホーム
home-title = 医療機関を選択
home-empty = まだどの医療機関にも所属していません。医療機関の安全管理責任者に追加を依頼してください。
home-vendors = 所属する事業者
home-vendor-no-contracts = この事業者と契約している医療機関はまだありません。

## ダッシュボード
dashboard-title = ダッシュボード
dashboard-institution = 医療機関の情報
dashboard-next-steps = 次にすること
dashboard-all-done = 基本の設定はすべて完了しています。
dashboard-members = 利用者
dashboard-people = 名
dashboard-mfa-summary = 多要素認証を設定済み: { $count }
dashboard-recent = 最近の操作
dashboard-all-audit = 監査ログをすべて見る
step-appoint-officer = 医療情報システム安全管理責任者を任命してください
step-add-executive = 経営層の利用者を登録してください(承認に必要です)
step-require-mfa = 全利用者の多要素認証を必須にしてください
step-mfa-missing = 多要素認証を未設定の利用者が { $count } 名います
step-own-mfa = ご自身の多要素認証を設定してください

## 利用者と役割
members-title = 利用者と役割
members-mfa = 多要素認証
members-mfa-on = 設定済み
members-mfa-off = 未設定
members-roles = 役割
members-role = 役割
members-revoke = 外す
members-revoke-confirm = 「{ $name }」の役割を外します。よろしいですか?
members-add = 利用者を追加
members-add-lead = 既に mamori のアカウントがあるメールアドレスには役割だけを付与します。新しいアカウントには初期パスワードを発行します。
members-add-submit = 追加する
members-expires = 有効期限
members-expires-hint = 立入検査担当には必須です。
members-created = アカウントを作成しました
members-initial-password = 初期パスワード:
members-initial-password-note = この画面を閉じると再表示できません。本人に安全な方法で伝え、ログイン後に変更してもらってください。

## 設定
settings-title = 医療機関の設定
settings-mfa-required = 全利用者に多要素認証を必須にする
settings-mfa-hint = 有効にすると、多要素認証を設定していない利用者はログイン後にまず設定を求められます。

## 監査ログ
audit-title = 監査ログ
audit-lead = この医療機関での操作と、所属する利用者のログイン等の記録です。記録はハッシュチェーンで改ざんを検知できます。
audit-time = 日時(日本時間)
audit-actor = 操作者
audit-action = 操作
audit-target = 対象
audit-changes = 変更内容
audit-address = 接続元
audit-from = 開始日
audit-to = 終了日
audit-filter = 絞り込む
audit-export = CSV で出力
audit-empty = 条件に合う記録はありません。
audit-actor-placeholder = メールアドレスの一部
audit-group-all = すべて
audit-group-auth = ログイン・認証
audit-group-member = 役割の付与・解除
audit-group-user = アカウント
audit-group-institution = 医療機関
audit-group-token = API トークン
pager-newer = 新しい記録へ
pager-older = 古い記録へ
pager-prev = 前へ
pager-next = 次へ

## 操作の表示名
action-institution-create = 医療機関を登録
action-institution-update = 医療機関の設定を変更
action-vendor-create = 事業者を登録
action-vendor-add-member = 事業者に担当者を追加
action-user-create = アカウントを作成
action-user-update-profile = プロフィールを変更
action-user-password-change = パスワードを変更
action-user-mfa-enable = 多要素認証を設定
action-user-mfa-disable = 多要素認証を解除
action-user-recovery-code-used = リカバリーコードを使用
action-member-grant-role = 役割を付与
action-member-revoke-role = 役割を解除
action-auth-sign-in = ログイン
action-auth-sign-in-failed = ログイン失敗
action-auth-mfa-verified = 2段階目の認証に成功
action-auth-mfa-failed = 2段階目の認証に失敗
action-auth-sign-out = ログアウト
action-auth-sign-out-everywhere = 全端末からログアウト
action-token-create = API トークンを発行
action-token-revoke = API トークンを無効化
action-audit-export = 監査ログを出力

## プロフィール
profile-title = プロフィール
profile-details = 基本情報
profile-locale = 表示言語
profile-password = パスワードの変更
profile-current-password = 現在のパスワード
profile-new-password = 新しいパスワード
profile-password-rules = 12文字以上。よく使われるパスワードやメールアドレスと同じものは使えません。
profile-change-password = パスワードを変更する
profile-mfa = 多要素認証
profile-mfa-setup = 多要素認証を設定する
profile-mfa-manage = 多要素認証を管理する
profile-recovery-left = 未使用のリカバリーコード: { $count } 個
profile-access = アクセスの管理
profile-sign-out-all = すべての端末からログアウト
profile-sign-out-all-confirm = この端末を含むすべての端末からログアウトします。よろしいですか?
profile-sign-out-all-hint = 端末の紛失やパスワード漏えいが疑われるときに使います。

## 多要素認証の設定
mfa-setup-title = 多要素認証の設定
mfa-step-app = スマートフォンに認証アプリ(Google Authenticator、Microsoft Authenticator など)を用意します。
mfa-step-scan = アプリでこの QR コードを読み取ります。
mfa-manual-key = 読み取れない場合は次のキーを入力してください:
mfa-step-code = アプリに表示された6桁のコードを入力して、設定を完了します。
mfa-enable = 設定を完了する
mfa-enabled = 多要素認証を設定しました
mfa-recovery-lead = 次のリカバリーコードを印刷するか安全な場所に保管してください。各コードは1回だけ使えます。この画面を閉じると再表示できません。
mfa-disable = 多要素認証を解除する
mfa-disable-confirm = 多要素認証を解除すると、アカウントの安全性が下がります。よろしいですか?

## API トークン
tokens-title = API トークン
tokens-lead = API トークンを使うと、プログラムから mamori の JSON API(/api/v1)を利用できます。トークンはあなたと同じ権限を持ちます。
tokens-created = API トークンを発行しました
tokens-created-note = このトークンは今しか表示されません。安全な場所に保管してください。
tokens-empty = 発行済みのトークンはありません。
tokens-prefix = 先頭
tokens-created-at = 発行日時
tokens-last-used = 最終利用
tokens-expires = 有効期限
tokens-revoked = 無効化済み
tokens-revoke = 無効化
tokens-revoke-confirm = このトークンを無効化します。元に戻せません。よろしいですか?
tokens-new = 新しいトークン
tokens-name-placeholder = 例: 資産台帳の連携
tokens-expires-days = 有効日数
tokens-create = 発行する

## プラットフォーム管理
admin-title = プラットフォーム管理
admin-institutions = 医療機関
admin-new-institution = 医療機関を登録
admin-create = 登録する
admin-vendors = 事業者
admin-create-vendor = 事業者を登録する

## 完了メッセージ
flash-saved = 保存しました。
flash-role-revoked = 役割を外しました。
flash-password-changed = パスワードを変更しました。
flash-mfa-disabled = 多要素認証を解除しました。
flash-token-revoked = API トークンを無効化しました。
flash-institution-created = 医療機関を登録しました。
flash-vendor-created = 事業者を登録しました。

## 入力の誤り
required = 入力してください。
invalid-name = 200文字以内で、制御文字を含めずに入力してください。
invalid-email = メールアドレスの形式が正しくありません。
invalid-beds = 病床数は0〜10000の整数で入力してください(薬局は0)。
invalid-institution-code = 医療機関コードは10桁の数字で入力してください。
invalid-prefecture = 都道府県を選択してください。
institution-code-prefecture-mismatch = 医療機関コードの先頭2桁が都道府県番号と一致しません。
password-too-short = パスワードは12文字以上にしてください。
password-too-long = パスワードは256文字以内にしてください。
password-common = よく使われるパスワードのため使えません。推測されにくいものにしてください。
password-equals-email = メールアドレスと同じパスワードは使えません。

## エラー
status-400 = 入力に誤りがあります
status-401 = ログインが必要です
status-403 = 権限がありません
status-404 = ページが見つかりません
status-405 = この操作はできません
status-409 = 他の人が先に変更しました
status-413 = データが大きすぎます
status-415 = データの形式が正しくありません
status-422 = 入力に誤りがあります
status-429 = 試行回数が多すぎます
status-500 = システムエラーが発生しました
error-back = トップへ戻る
error-not-signed-in = ログインしてください。
error-session-expired = 一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。
error-mfa-pending = 2段階目の認証を完了してください。
error-enrol-required = この医療機関では多要素認証が必須です。続けるには多要素認証を設定してください。
error-forbidden = この操作を行う権限がありません。
error-not-found = お探しのページまたはデータは見つかりませんでした。
error-conflict = 他の人が先にこのデータを変更しました。最新の内容を確認してから、もう一度保存してください。
error-duplicate = 同じものが既に登録されています。
error-bad-form = 送信された内容を読み取れませんでした。入力を確認してください。
error-body-too-large = 送信されたデータが大きすぎます。
error-content-type = 送信されたデータの形式に対応していません。
error-method = この操作はできません。
error-csrf = 画面の有効期限が切れたか、不正な送信の可能性があります。画面を再読み込みしてから、もう一度操作してください。
error-throttled = ログインの試行回数が多すぎます。しばらく待ってから再度お試しください。
error-throttled-minutes = ログインの試行回数が多すぎます。約{ $minutes }分後に再度お試しください。
error-internal = システムエラーが発生しました。時間をおいて再度お試しください。続く場合は管理者に連絡してください。
error-bad-credentials = メールアドレスまたはパスワードが正しくありません。
error-wrong-password = 現在のパスワードが正しくありません。
error-wrong-code = 認証コードが正しくありません。
error-code-reused = この認証コードは既に使われました。次のコードが表示されるまでお待ちください。
error-invalid-secret = 設定用のキーが正しくありません。最初からやり直してください。
error-mfa-already-enabled = 多要素認証は既に設定されています。
error-mfa-not-enabled = 多要素認証は設定されていません。
error-mfa-mandatory = 所属する医療機関で多要素認証が必須のため、解除できません。
error-role-not-grantable = この役割は付与できません。
error-inspector-needs-expiry = 立入検査担当には有効期限が必要です。
error-expiry-in-past = 有効期限は今日以降の日付にしてください。
error-last-security-officer = 最後の医療情報システム安全管理責任者は外せません。先に別の人を任命してください。
error-invalid-date = 日付は YYYY-MM-DD の形式で入力してください。
error-invalid-locale = 表示言語は日本語か英語を選んでください。
error-invalid-kind = 種別を選択してください。
error-token-expiry = 有効日数は1〜365日で入力してください。
error-json-syntax = JSON の構文が正しくありません。
error-json-data = JSON の項目または値が正しくありません。
error-json-content-type = Content-Type: application/json で送信してください。
error-needs-session = この操作は API トークンではできません。ブラウザでログインして行ってください。
error-account-exists = このメールアドレスは既に mamori に登録されています。既存のアカウントを追加するにはプラットフォーム管理者に依頼してください。
error-self-grant = 自分自身に役割を付与することはできません。医療機関の安全管理責任者に依頼してください。

## カタログ(公式文書)
nav-catalogs = 公式文書
catalogs-title = 公式文書(カタログ)
catalogs-lead = ガイドライン、チェックリスト、確認表などの公式文書を、版ごとのデータとして収録しています。原文どおりでない項目や未確認の項目には印を付けています。
catalogs-search = 検索
catalogs-search-placeholder = 例: 台帳、リモートメンテナンス、2-(1)
catalogs-document = 文書
catalogs-version = 版
catalogs-published = 公表
catalogs-items = 項目数
catalogs-coverage = 収録範囲
catalogs-publisher = 発行
catalogs-source = 出典
catalogs-unverified-count = 未確認の項目 { $count } 件
catalogs-crosswalk-count = 文書間の対応表 { $count } 件を収録しています。
coverage-complete = 全項目
coverage-partial = 一部のみ
catalog-kind-guideline = ガイドライン
catalog-kind-cyberchecklist = サイバーセキュリティ対策チェックリスト
catalog-kind-rolesharing = 役割分担等に関する確認表
catalog-kind-bcp = BCP(事業継続計画)
catalog-kind-disclosure = 開示書
provenance-verbatim = 原文
provenance-seed = 資料より
provenance-unverified = 未確認
answer-none = 回答なし(遵守事項)
answer-yes-no = はい/いいえ
answer-per-device = 機器ごとに はい/いいえ
answer-text = 記述
answer-date = 日付
device-server = サーバ
device-terminal = 端末PC
device-network = ネットワーク機器
addressee-executive = 経営層
addressee-planningmanager = 企画管理者
addressee-systemoperator = システム運用担当者
addressee-vendor = 事業者
addressee-institution = 医療機関等
addressee-joint = 医療機関等と事業者(共同)
relation-equal = 同じ
relation-subset = 一部
relation-superset = 包含
relation-intersect = 重なり
relation-related = 関連
item-unverified-warning = この項目の文言は公式文書で確認されていません。正式な文言は公式の PDF/Excel で確認してください。
item-unofficial-en = 英訳は非公式
item-section = 章・区分
item-answer = 回答の形式
item-role = 対象
item-gate = 前提項目
item-gate-text = 「いいえ」の場合、他の項目はすべて対象外になります。
item-references = 参照
item-provenance = 出所
item-note = 注記
item-related = 他の文書の関連項目
item-related-none = 対応表に登録された関連項目はありません。
search-count = { $count } 件
search-none = 一致する項目はありません。
action-catalog-load = 公式文書を読み込み
