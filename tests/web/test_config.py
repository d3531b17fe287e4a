"""Settings parsed from the environment (``ldnderm.web.config``) and what production gets:
LDNDERM_SECURE_COOKIES=true turns on secure cookies, HSTS and the HTTPS redirect, and
``check --deploy`` is then clean (reliability.md HIPAA-7, DJ-1, DJ-3, SESS-5, API-2)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ldnderm.web.config import REPO_ROOT, env_bool, from_env

SECRET = "s" * 20 + "-a-deployment-secret-key-of-some-length"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_true_spellings(raw: str) -> None:
    assert env_bool({"X": raw}, "X", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_false_spellings(raw: str) -> None:
    assert env_bool({"X": raw}, "X", default=True) is False


@pytest.mark.parametrize("env", [{}, {"X": ""}])
def test_unset_or_empty_takes_the_default(env: dict[str, str]) -> None:
    assert env_bool(env, "X", default=True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "enabled"])
def test_a_bad_boolean_fails_loudly_and_names_the_variable(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="LDNDERM_SECURE_COOKIES"):
        from_env({"LDNDERM_SECURE_COOKIES": raw})
    with pytest.raises(ImproperlyConfigured, match="LDNDERM_DEBUG"):
        from_env({"LDNDERM_DEBUG": raw})


def test_local_defaults_are_plain_http_and_not_debug(tmp_path: Path) -> None:
    config = from_env({"LDNDERM_VAR_DIR": str(tmp_path)})
    assert config.secure_cookies is False and config.debug is False
    assert config.database_url == f"sqlite:///{tmp_path / 'ldnderm.sqlite3'}"
    assert "testserver" in config.allowed_hosts


def test_a_secure_deployment_refuses_the_development_key() -> None:
    with pytest.raises(ImproperlyConfigured, match="LDNDERM_SECRET_KEY"):
        from_env({"LDNDERM_SECURE_COOKIES": "true"})


def test_a_short_secret_key_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="32 characters"):
        from_env({"LDNDERM_SECRET_KEY": "short"})


def test_hosts_are_split_and_trimmed() -> None:
    config = from_env({"LDNDERM_ALLOWED_HOSTS": " a.example , b.example ,,"})
    assert config.allowed_hosts == ("a.example", "b.example")


def _django(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with the site's settings and ``env``: none of this
    process's LDNDERM_ settings, nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (which the
    deployment check rightly flags), reach it."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LDNDERM_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    full = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "ldnderm.web.settings",
        "LDNDERM_VAR_DIR": str(REPO_ROOT / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120
    )


SETTINGS_DUMP = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({k: getattr(s, k) for k in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE", "DEBUG", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS")}))
"""

PRODUCTION = {
    "LDNDERM_SECURE_COOKIES": "true",
    "LDNDERM_SECRET_KEY": SECRET,
    "LDNDERM_ALLOWED_HOSTS": "registry.example.org",
}


def test_secure_cookies_switch_on_https_only_cookies_hsts_and_the_redirect() -> None:
    done = _django(PRODUCTION, SETTINGS_DUMP)
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert s["SESSION_COOKIE_AGE"] <= 12 * 60 * 60
    assert s["DEBUG"] is False and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert s["X_FRAME_OPTIONS"] == "DENY"


def test_without_it_local_http_keeps_working() -> None:
    done = _django({}, SETTINGS_DUMP)
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert not s["SESSION_COOKIE_SECURE"] and not s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] == 0


def test_a_bad_value_stops_the_site_from_starting() -> None:
    done = _django({"LDNDERM_SECURE_COOKIES": "yes please"}, SETTINGS_DUMP)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "LDNDERM_SECURE_COOKIES" in done.stderr


def test_check_deploy_is_clean_in_production_settings() -> None:
    code = (
        "import django, sys; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    done = _django(PRODUCTION, code)
    assert done.returncode == 0, done.stderr


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted_only_when_asked() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)))"
    )
    trusted = _django(PRODUCTION | {"LDNDERM_TRUST_PROXY_HTTPS": "true"}, code)
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout) == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert json.loads(_django(PRODUCTION, code).stdout) is None


def test_trusted_proxies_are_addresses_and_networks() -> None:
    config = from_env({"LDNDERM_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,::1,,"})
    assert [str(n) for n in config.trusted_proxies] == ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]
    assert from_env({}).trusted_proxies == ()


@pytest.mark.parametrize("raw", ["proxy.example.org", "10.0.0.1/8", "300.1.1.1"])
def test_a_bad_trusted_proxy_fails_loudly_and_names_the_variable(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"LDNDERM_TRUSTED_PROXIES: '{raw}'"):
        from_env({"LDNDERM_TRUSTED_PROXIES": raw})


def test_the_deprecated_proxy_switch_cannot_be_combined_with_trusted_proxies() -> None:
    env = {"LDNDERM_TRUSTED_PROXIES": "10.0.0.1", "LDNDERM_TRUST_PROXY_HTTPS": "true"}
    with pytest.raises(ImproperlyConfigured, match="deprecated and replaced"):
        from_env(env)


def test_the_deprecated_proxy_switch_warns_at_start_up() -> None:
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check')"
    )
    done = _django(PRODUCTION | {"LDNDERM_TRUST_PROXY_HTTPS": "true"}, code)
    assert done.returncode == 0, done.stderr
    assert "ldnderm.W001" in done.stderr and "LDNDERM_TRUSTED_PROXIES" in done.stderr


def test_the_cache_is_shared_by_every_process() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(s.CACHES['default']))"
    )
    database = json.loads(_django({}, code).stdout)
    assert database["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    redis = json.loads(_django({"REDIS_URL": "redis://127.0.0.1:6379/0"}, code).stdout)
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }


def test_redis_without_its_client_library_stops_the_start() -> None:
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check')"
    )
    assert importlib.util.find_spec("redis") is None, "redis is not in the lock files"
    done = _django({"REDIS_URL": "redis://127.0.0.1:6379/0"}, code)
    assert done.returncode != 0 and "ldnderm.E001" in done.stderr


class TestEmail:
    """``LDNDERM_EMAIL_*``: the console backend unless a host is named, then SMTP."""

    def test_by_default_mail_is_printed_not_sent(self) -> None:
        config = from_env({})
        assert config.email.host == "" and config.email.from_address == "ldnderm@localhost"
        assert config.site_url == "http://127.0.0.1:8000"

    def test_smtp_settings_are_read(self) -> None:
        config = from_env(
            {
                "LDNDERM_EMAIL_HOST": "smtp.example.org",
                "LDNDERM_EMAIL_PORT": "465",
                "LDNDERM_EMAIL_USER": "mailer",
                "LDNDERM_EMAIL_PASSWORD": "s3cret",
                "LDNDERM_EMAIL_USE_SSL": "true",
                "LDNDERM_EMAIL_FROM": "clinic@example.org",
                "LDNDERM_SITE_URL": "https://derm.example.org/",
            }
        )
        e = config.email
        assert (e.host, e.port, e.user, e.password) == ("smtp.example.org", 465, "mailer", "s3cret")
        assert (e.use_ssl, e.use_tls, e.from_address) == (True, False, "clinic@example.org")
        assert "s3cret" not in repr(config)
        assert config.site_url == "https://derm.example.org"

    @pytest.mark.parametrize(
        ("env", "named"),
        [
            ({"LDNDERM_EMAIL_PORT": "smtp"}, "LDNDERM_EMAIL_PORT"),
            ({"LDNDERM_EMAIL_PORT": "70000"}, "LDNDERM_EMAIL_PORT"),
            ({"LDNDERM_EMAIL_USE_TLS": "true", "LDNDERM_EMAIL_USE_SSL": "true"}, "USE_SSL"),
            ({"LDNDERM_EMAIL_FROM": "nobody"}, "LDNDERM_EMAIL_FROM"),
            ({"LDNDERM_SITE_URL": "derm.example.org"}, "LDNDERM_SITE_URL"),
            ({"LDNDERM_SITE_URL": "https://derm.example.org/app"}, "LDNDERM_SITE_URL"),
        ],
    )
    def test_bad_values_fail_loudly_naming_the_variable(
        self, env: dict[str, str], named: str
    ) -> None:
        with pytest.raises(ImproperlyConfigured, match=named):
            from_env(env)

    def test_the_site_sends_by_smtp_when_a_host_is_set(self) -> None:
        code = (
            "import django, json; from django.conf import settings as s; django.setup();"
            "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_USE_TLS,"
            " s.DEFAULT_FROM_EMAIL]))"
        )
        plain = _django({}, code)
        assert json.loads(plain.stdout)[0] == "django.core.mail.backends.console.EmailBackend"
        smtp = _django({"LDNDERM_EMAIL_HOST": "smtp.example.org"}, code)
        assert json.loads(smtp.stdout) == [
            "django.core.mail.backends.smtp.EmailBackend",
            "smtp.example.org",
            True,
            "ldnderm@localhost",
        ]
