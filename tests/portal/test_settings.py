"""Settings come from the environment, fail loudly when malformed, and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq2!vZp9@Lm4$Tr8^Wn1&Yb6*Hc3(Jd5)Fg0-Se2+Ua7=Qi9~Oe4%Rl1_Px8",
    "ALLOWED_HOSTS": "portal.example.ac.uk",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp://portal:secret@smtp.example.ac.uk:587/?tls=True",
}


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment."""
    ignored = {*PRODUCTION, "HTTPS", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    code = (
        "from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING', databases=[])"
    )
    result = run_django(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_production_settings_read_services_from_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CELERY_BROKER_URL, "
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.DEBUG, s.SESSION_COOKIE_SECURE)"
    )
    result = run_django(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "redis://redis.internal:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.ac.uk",
        "False",
        "True",
    ]


def test_embedded_defaults_need_nothing_installed(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.MEDIA_ROOT)"
    )
    result = run_django(code, DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    engine, broker, email, media = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert email == "django.core.mail.backends.filebased.EmailBackend"
    assert media == str(tmp_path / "media")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "false", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must list"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is not a valid URL"),
        ({"DEBUG": "true", "CELERY_BROKER_URL": "http://x"}, "CELERY_BROKER_URL must start with"),
        ({"DEBUG": "true", "SESSION_IDLE_TIMEOUT": "ten"}, "SESSION_IDLE_TIMEOUT must be a whole number"),
        ({"DEBUG": "true", "PROXY_COUNT": "one"}, "PROXY_COUNT must be a whole number"),
        ({"DEBUG": "true", "PROXY_COUNT": "-1"}, "PROXY_COUNT must be 0 or more"),
        (
            {"DEBUG": "true", "SHARE_RETENTION_MONTHS_AFTER_FEEDBACK": "0"},
            "SHARE_RETENTION_MONTHS_AFTER_FEEDBACK must be at least 1",
        ),
    ],
)
def test_malformed_settings_stop_start_up_naming_the_variable(env, message, tmp_path):
    result = run_django("pass", VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr
