# mamori — 利用者と役割・設定・監査ログ・プロフィール・多要素認証・API トークン・プラットフォーム管理

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
profile-password-rules = 12文字以上。よく使われるパスワードやメールアドレスと同じものは使えません。変更すると、ほかのセッションと API トークンはすべて無効になります。
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
tokens-lead = API トークンを使うと、プログラムから mamori の JSON API(/api/v1)を利用できます。トークンはあなたと同じ権限を持ちます。トークンは最長365日(既定90日)で失効し、パスワードを変更するとすべて無効になります。トークンでは、トークン・パスワード・多要素認証の管理はできません。
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
