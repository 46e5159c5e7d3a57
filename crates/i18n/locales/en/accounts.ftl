# mamori — users and roles, settings, audit log, profile, MFA, API tokens, platform administration

## Users and roles
members-title = Users and roles
members-mfa = MFA
members-mfa-on = Set up
members-mfa-off = Not set up
members-roles = Roles
members-role = Role
members-revoke = Remove
members-revoke-confirm = Remove the role "{ $name }"?
members-add = Add a user
members-add-lead = An e-mail address that already has a mamori account only receives the role; a new account gets an initial password.
members-add-submit = Add
members-expires = Expires on
members-expires-hint = Required for inspectors.
members-created = Account created
members-initial-password = Initial password:
members-initial-password-note = It is not shown again once you leave this page. Hand it over securely and ask the person to change it after signing in.

## Settings
settings-title = Institution settings
settings-mfa-required = Require multi-factor authentication for every user
settings-mfa-hint = When on, users without multi-factor authentication must set it up right after signing in.

## Audit log
audit-title = Audit log
audit-lead = What was done in this institution, and the sign-ins of its users. A hash chain makes any alteration detectable.
audit-time = Time (Japan)
audit-actor = Actor
audit-action = Action
audit-target = Target
audit-changes = Changes
audit-address = Address
audit-from = From
audit-to = To
audit-filter = Filter
audit-export = Export CSV
audit-empty = No events match.
audit-actor-placeholder = Part of an e-mail address
audit-group-all = All
audit-group-auth = Sign-in and authentication
audit-group-member = Role changes
audit-group-user = Accounts
audit-group-institution = Institution
audit-group-token = API tokens
pager-newer = Newer
pager-older = Older
pager-prev = Previous
pager-next = Next

## Action names
action-institution-create = Institution registered
action-institution-update = Institution settings changed
action-vendor-create = Vendor registered
action-vendor-add-member = Vendor user added
action-user-create = Account created
action-user-update-profile = Profile changed
action-user-password-change = Password changed
action-user-mfa-enable = MFA set up
action-user-mfa-disable = MFA removed
action-user-recovery-code-used = Recovery code used
action-member-grant-role = Role granted
action-member-revoke-role = Role removed
action-auth-sign-in = Signed in
action-auth-sign-in-failed = Sign-in failed
action-auth-mfa-verified = Second step passed
action-auth-mfa-failed = Second step failed
action-auth-sign-out = Signed out
action-auth-sign-out-everywhere = Signed out everywhere
action-token-create = API token created
action-token-revoke = API token revoked
action-audit-export = Audit log exported

## Profile
profile-title = Profile
profile-details = Details
profile-locale = Language
profile-password = Change password
profile-current-password = Current password
profile-new-password = New password
profile-password-rules = At least 12 characters. Common passwords and your e-mail address are not accepted. A change ends your other sessions and revokes every API token.
profile-change-password = Change password
profile-mfa = Multi-factor authentication
profile-mfa-setup = Set up multi-factor authentication
profile-mfa-manage = Manage multi-factor authentication
profile-recovery-left = Unused recovery codes: { $count }
profile-access = Access
profile-sign-out-all = Sign out everywhere
profile-sign-out-all-confirm = Sign out on every device, this one included?
profile-sign-out-all-hint = Use this when a device is lost or a password may have leaked.

## MFA set-up
mfa-setup-title = Set up multi-factor authentication
mfa-step-app = Install an authenticator app on your phone (Google Authenticator, Microsoft Authenticator …).
mfa-step-scan = Scan this QR code with the app.
mfa-manual-key = If it cannot scan, enter this key:
mfa-step-code = Enter the 6-digit code the app shows to finish.
mfa-enable = Finish set-up
mfa-enabled = Multi-factor authentication is set up
mfa-recovery-lead = Print these recovery codes or keep them somewhere safe. Each works once. They are not shown again once you leave this page.
mfa-disable = Remove multi-factor authentication
mfa-disable-confirm = Removing multi-factor authentication makes your account less safe. Continue?

## API tokens
tokens-title = API tokens
tokens-lead = An API token lets a program use mamori's JSON API (/api/v1). It has the same permissions as you. A token expires after at most 365 days (90 by default), and every token is revoked when you change your password. A token cannot manage tokens, the password or the second factor.
tokens-created = API token created
tokens-created-note = This is the only time the token is shown. Keep it somewhere safe.
tokens-empty = You have no tokens.
tokens-prefix = Starts with
tokens-created-at = Created
tokens-last-used = Last used
tokens-expires = Expires
tokens-revoked = Revoked
tokens-revoke = Revoke
tokens-revoke-confirm = Revoke this token? This cannot be undone.
tokens-new = New token
tokens-name-placeholder = e.g. asset ledger sync
tokens-expires-days = Valid for (days)
tokens-create = Create

## Platform administration
admin-title = Platform administration
admin-institutions = Institutions
admin-new-institution = Register an institution
admin-create = Register
admin-vendors = Vendors
admin-create-vendor = Register vendor
