# mamori — English

lang-switch = 日本語
footer-text = mamori — security workbench for medical information systems
yes = Yes
no = No
save = Save
continue = Continue

## Navigation
nav-label = Main menu
nav-dashboard = Dashboard
nav-members = Users and roles
nav-audit = Audit log
nav-settings = Institution settings
nav-admin = Platform administration
nav-switch-institution = Switch institution
nav-sign-out = Sign out

## Fields
field-email = E-mail
field-password = Password
field-name = Name
field-display-name = Full name
field-code = Institution code
field-kind = Kind
field-prefecture = Prefecture
field-beds = Beds
field-mfa-required = Multi-factor authentication required
field-mfa-code = Authentication code

## Roles
role-executive = Executive
role-security-officer = Security officer
role-planning-manager = Planning manager
role-system-operator = System operator
role-staff = Staff
role-inspector = Inspector
role-vendor-user = Vendor user
role-platform-admin = Platform administrator

## Institution kinds
kind-hospital = Hospital
kind-clinic = Clinic
kind-dental-clinic = Dental clinic
kind-pharmacy = Pharmacy

## Sign-in
login-title = Sign in
login-lead = Sign in to mamori with your e-mail address and password.
login-submit = Sign in
mfa-title = Second step
mfa-lead = Enter the 6-digit code shown by your authenticator app.
mfa-recovery-hint = If you cannot use the app, enter a recovery code (xxxxx-xxxxx).
mfa-submit = Verify
mfa-cancel = Cancel sign-in

## Home
home-title = Choose an institution
home-empty = You do not belong to any institution yet. Ask the institution's security officer to add you.
home-vendors = Your vendor organisations
home-vendor-no-contracts = No institution has a contract with this vendor yet.

## Dashboard
dashboard-title = Dashboard
dashboard-institution = Institution
dashboard-next-steps = Next steps
dashboard-all-done = The basic set-up is complete.
dashboard-members = Users
dashboard-people = people
dashboard-mfa-summary = Multi-factor authentication set up: { $count }
dashboard-recent = Recent activity
dashboard-all-audit = See the whole audit log
step-appoint-officer = Appoint a security officer
step-add-executive = Register an executive (needed for approvals)
step-require-mfa = Require multi-factor authentication for every user
step-mfa-missing = { $count } users have not set up multi-factor authentication
step-own-mfa = Set up your own multi-factor authentication

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
profile-password-rules = At least 12 characters. Common passwords and your e-mail address are not accepted.
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
tokens-lead = An API token lets a program use mamori's JSON API (/api/v1). It has the same permissions as you.
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

## Confirmations
flash-saved = Saved.
flash-role-revoked = Role removed.
flash-password-changed = Password changed.
flash-mfa-disabled = Multi-factor authentication removed.
flash-token-revoked = API token revoked.
flash-institution-created = Institution registered.
flash-vendor-created = Vendor registered.

## Input errors
required = Please fill this in.
invalid-name = Up to 200 characters, without control characters.
invalid-email = This is not a valid e-mail address.
invalid-beds = Beds must be a whole number from 0 to 10000 (0 for a pharmacy).
invalid-institution-code = The institution code has 10 digits.
invalid-prefecture = Choose a prefecture.
institution-code-prefecture-mismatch = The first two digits of the institution code must be the prefecture number.
password-too-short = The password needs at least 12 characters.
password-too-long = The password may have at most 256 characters.
password-common = This password is too common. Choose one that is hard to guess.
password-equals-email = The password must not be your e-mail address.

## Errors
status-400 = Something in the request is wrong
status-401 = Please sign in
status-403 = Not allowed
status-404 = Not found
status-405 = Not possible
status-409 = Someone else changed this first
status-413 = Too large
status-415 = Unsupported format
status-422 = Something in the input is wrong
status-429 = Too many attempts
status-500 = Something went wrong
error-back = Back to start
error-not-signed-in = Please sign in.
error-session-expired = You were signed out after a period of inactivity. Please sign in again.
error-mfa-pending = Please complete the second sign-in step.
error-enrol-required = This institution requires multi-factor authentication. Set it up to continue.
error-forbidden = You are not allowed to do this.
error-not-found = The page or record you asked for was not found.
error-conflict = Someone else changed this record first. Check the current content, then save again.
error-duplicate = This already exists.
error-bad-form = The submitted data could not be read. Please check your input.
error-body-too-large = The submitted data is too large.
error-content-type = This data format is not supported.
error-method = This is not possible.
error-csrf = The page has expired or the request may be forged. Reload the page and try again.
error-throttled = Too many sign-in attempts. Please wait and try again.
error-throttled-minutes = Too many sign-in attempts. Try again in about { $minutes } minutes.
error-internal = Something went wrong. Please try again later, and tell your administrator if it persists.
error-bad-credentials = The e-mail address or password is wrong.
error-wrong-password = The current password is wrong.
error-wrong-code = The code is wrong.
error-code-reused = This code was already used. Wait for the next code.
error-invalid-secret = The set-up key is not valid. Start again.
error-mfa-already-enabled = Multi-factor authentication is already set up.
error-mfa-not-enabled = Multi-factor authentication is not set up.
error-mfa-mandatory = An institution you belong to requires multi-factor authentication, so it cannot be removed.
error-role-not-grantable = This role cannot be granted.
error-inspector-needs-expiry = An inspector needs an expiry date.
error-expiry-in-past = The expiry date must be today or later.
error-last-security-officer = The last security officer cannot be removed. Appoint someone else first.
error-invalid-date = Enter dates as YYYY-MM-DD.
error-invalid-locale = Choose Japanese or English.
error-invalid-kind = Choose a kind.
error-token-expiry = Enter 1 to 365 days.
error-json-syntax = The JSON is malformed.
error-json-data = A JSON field or value is wrong.
error-json-content-type = Send Content-Type: application/json.
error-needs-session = This cannot be done with an API token. Sign in with a browser to do it.
error-account-exists = This e-mail address already has a mamori account. Ask a platform administrator to add an existing account.
error-self-grant = You cannot grant a role to yourself. Ask the institution's security officer.

## Catalogs (official documents)
nav-catalogs = Official documents
catalogs-title = Official documents (catalogs)
catalogs-lead = The guideline, checklists and agreements, each version as data. Items not confirmed against the official text are marked.
catalogs-search = Search
catalogs-search-placeholder = e.g. 台帳, remote maintenance, 2-(1)
catalogs-document = Document
catalogs-version = Version
catalogs-published = Published
catalogs-items = Items
catalogs-coverage = Coverage
catalogs-publisher = Publisher
catalogs-source = Source
catalogs-unverified-count = { $count } unverified items
catalogs-crosswalk-count = { $count } crosswalks between documents are included.
coverage-complete = Complete
coverage-partial = Partial
catalog-kind-guideline = Guideline
catalog-kind-cyberchecklist = Cybersecurity checklist
catalog-kind-rolesharing = Role-sharing checklist
catalog-kind-bcp = Business continuity (BCP)
catalog-kind-disclosure = Disclosure
provenance-verbatim = Verbatim
provenance-seed = From a source document
provenance-unverified = Unverified
answer-none = No answer (requirement)
answer-yes-no = Yes / no
answer-per-device = Yes / no per device class
answer-text = Text
answer-date = Date
device-server = Server
device-terminal = Client PC
device-network = Network device
addressee-executive = Executive
addressee-planningmanager = Planning manager
addressee-systemoperator = System operator
addressee-vendor = Vendor
addressee-institution = Institution
addressee-joint = Institution and vendor (joint)
relation-equal = Same
relation-subset = Part of
relation-superset = Includes
relation-intersect = Overlaps
relation-related = Related
item-unverified-warning = The wording of this item is not confirmed against the official document. Check the official PDF/Excel for the exact text.
item-unofficial-en = unofficial translation
item-section = Section
item-answer = Answer
item-role = Addressed to
item-gate = Gate item
item-gate-text = If answered "no", no other item applies.
item-references = References
item-provenance = Provenance
item-note = Note
item-related = Related items in other documents
item-related-none = No crosswalk relates this item.
search-count = { $count } results
search-none = No item matches.
action-catalog-load = Official document loaded
