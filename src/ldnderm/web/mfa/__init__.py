"""A second factor at log-in: TOTP devices and single-use recovery codes (django-otp).

``policy`` decides who must use one, ``devices`` enrols and verifies, ``session`` keeps the
state of the current log-in, ``middleware`` holds a signed-in user at enrolment or verification
until it is done, ``views`` are those two pages, and ``tokens`` asks for the code on
``POST /api/v1/auth/token``. See ``docs/mfa.md``.
"""
