# mamori — English

lang-switch = 日本語
footer-text = mamori — security workbench for medical information systems
yes = Yes
no = No
save = Save
continue = Continue

## Navigation
nav-label = Main menu
skip-to-main = Skip to main content
table-region = Table (scrolls sideways)
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
home-title = Home
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
institution-code-kind-mismatch = The third digit of the institution code (the fee table) does not match the kind: 1 for a hospital or clinic, 3 for a dental clinic, 4 for a pharmacy.
institution-code-check-digit = The check digit (last digit) of the institution code does not match. Enter it as printed on prescriptions and claims.
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
error-control-chars = The input contains control characters (NUL, escape and the like). Remove them and send it again.
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
