# mamori — 日本語 (既定の言語)

lang-switch = English
footer-text = mamori — 医療情報システム安全管理ワークベンチ
yes = はい
no = いいえ
save = 保存する
continue = 続ける

## ナビゲーション
nav-label = メインメニュー
skip-to-main = 本文へ移動
table-region = 表(左右にスクロールできます)
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
home-title = ホーム
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
institution-code-kind-mismatch = 医療機関コードの3桁目(点数表番号)が種別と一致しません。病院・診療所は 1、歯科診療所は 3、薬局は 4 です。
institution-code-check-digit = 医療機関コードの末尾の検証番号が合いません。処方箋やレセプトに印字されたとおりに入力してください。
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
error-control-chars = 入力に制御文字(NUL・エスケープ文字など)が含まれています。取り除いてからもう一度送信してください。
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
