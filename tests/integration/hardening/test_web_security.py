"""Sessions, secrets, headers, rate limits, audit of refusals, unguessable ids and one "not found"."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from docgen.config import PROJECT_ROOT, Settings
from tests.fixtures.pdfs import image_bytes, make_pdf
from tests.integration.hardening.conftest import V1, Local, sign_in

PLACEHOLDER = "dev-secret-not-for-production"


# -- sessions ------------------------------------------------------------------------------------


def test_signing_out_ends_the_session_for_the_old_cookie_too(local: Local) -> None:
    browser = local.browser()
    csrf = sign_in(browser, local.keys["officer"])
    cookie = browser.cookies.get("docgen_session")
    assert cookie
    assert browser.post("/ui/sign-out", data={"csrf_token": csrf}).status_code == 303

    replay = local.browser()
    replay.cookies.set("docgen_session", cookie)
    answer = replay.get("/ui/cases")
    assert answer.status_code == 303 and "/ui/sign-in" in answer.headers["location"]


def test_a_new_key_ends_every_session_begun_with_the_old_one(local: Local) -> None:
    from docgen.register import open_register, unit_of_work
    from docgen.register.repositories import users
    from docgen.services.auth import create_user

    with unit_of_work(open_register(local.settings)) as session:
        _user, key = create_user(
            session, name="rita.rotated", role="officer", pepper=local.settings.secret_key
        )
    officer = local.browser()
    sign_in(officer, key)
    assert officer.get("/ui/cases").status_code == 200

    admin = local.browser()
    csrf = sign_in(admin, local.keys["admin"])
    rotated = admin.post("/ui/admin/users/rita.rotated/rotate", data={"csrf_token": csrf})
    assert rotated.status_code == 200, rotated.text

    answer = officer.get("/ui/cases")
    assert answer.status_code == 303 and "/ui/sign-in" in answer.headers["location"]
    with unit_of_work(open_register(local.settings)) as session:
        assert users.by_name(session, "rita.rotated") is not None


def test_a_cookie_signed_with_the_old_public_secret_is_not_a_session(
    fresh_app: Callable[..., Local],
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    svc = fresh_app(secret_key=None)  # a default install: no secret configured
    forged = URLSafeTimedSerializer(PLACEHOLDER, salt="docgen.ui.session").dumps(
        {"u": svc.user("admin"), "c": "x"}
    )
    browser = svc.browser()
    browser.cookies.set("docgen_session", forged)
    answer = browser.get("/ui/admin/users")
    assert answer.status_code == 303 and "/ui/sign-in" in answer.headers["location"]


def test_with_no_secret_set_a_random_one_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    first = Settings(environment="development", data_dir=tmp_path / "a")
    again = Settings(environment="development", data_dir=tmp_path / "a")
    other = Settings(environment="development", data_dir=tmp_path / "b")
    assert first.secret_key == again.secret_key != other.secret_key
    assert first.secret_key != PLACEHOLDER and len(first.secret_key) >= 32
    stored = tmp_path / "a" / "secret.key"
    assert stored.read_text().strip() == first.secret_key
    assert stored.stat().st_mode & 0o777 == 0o600
    # the old public default counts as no secret at all
    assert Settings(
        environment="development", data_dir=tmp_path / "a", secret_key=PLACEHOLDER
    ).secret_key == (first.secret_key)


# -- headers --------------------------------------------------------------------------------------


def _csp(headers: dict[str, str]) -> dict[str, str]:
    policy = headers.get("content-security-policy", "")
    return {d.split(" ", 1)[0]: d.split(" ", 1)[-1] for d in (p.strip() for p in policy.split(";")) if d}


def test_every_answer_carries_the_security_headers(local: Local) -> None:
    browser = local.browser()
    sign_in(browser, local.keys["officer"])
    answers = [
        local.client.get("/ui/sign-in"),
        local.client.get("/ui/cases"),  # a redirect to sign in
        browser.get("/ui/cases"),
        browser.get("/ui/no-such-page"),
        local.client.get(f"{V1}/cases"),  # 401
        local.client.get(f"{V1}/cases", headers=local.as_("officer")),
        local.client.get("/healthz"),
        local.client.get("/static/docgen.css"),
        local.client.get("/nothing-here"),
    ]
    for answer in answers:
        where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
        csp = _csp(dict(answer.headers))
        assert csp.get("frame-ancestors") == "'none'", where
        assert csp.get("script-src") == "'self'" and csp.get("style-src") == "'self'", where
        assert "unsafe-inline" not in answer.headers["content-security-policy"], where
        assert answer.headers["x-content-type-options"] == "nosniff", where
        assert answer.headers["referrer-policy"] in {"same-origin", "no-referrer"}, where


def test_the_pages_have_no_inline_script_or_style() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    for template in sorted((PROJECT_ROOT / "templates" / "ui").glob("*.html")):
        found = inline.findall(template.read_text())
        assert not found, f"{template.name}: {found}"


def test_the_session_cookie_is_secure_over_https(local: Local) -> None:
    https = local.browser(base_url="https://testserver")
    answer = https.post("/ui/sign-in", data={"api_key": local.keys["officer"]})
    assert answer.status_code == 303
    assert re.search(r";\s*secure", answer.headers["set-cookie"], re.I)
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    http = local.browser()
    answer = http.post("/ui/sign-in", data={"api_key": local.keys["officer"]})
    assert not re.search(r";\s*secure", answer.headers["set-cookie"], re.I)


# -- rate limits and audit --------------------------------------------------------------------------


def test_unrecognised_keys_are_rate_limited_per_client_and_audited(fresh_app: Callable[..., Local]) -> None:
    svc = fresh_app(auth_failures_per_minute=5)
    for n in range(5):
        answer = svc.client.get(f"{V1}/cases", headers={"Authorization": f"Bearer dg_guess{n}"})
        assert answer.status_code == 401
    blocked = svc.client.get(f"{V1}/cases", headers=svc.as_("officer"))
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["code"] == "too_many_attempts"
    refused = svc.audit("access_denied")
    assert len(refused) == 5 and {r["detail"]["reason"] for r in refused} == {"key not recognised"}


def test_sign_in_is_rate_limited_per_client(fresh_app: Callable[..., Local]) -> None:
    svc = fresh_app(auth_failures_per_minute=3)
    browser = svc.browser()
    for _ in range(3):
        assert browser.post("/ui/sign-in", data={"api_key": "dg_wrong"}).status_code == 401
    answer = browser.post("/ui/sign-in", data={"api_key": svc.keys["officer"]})
    assert answer.status_code == 429 and "retry-after" in answer.headers


def test_refused_access_is_audited_and_answered_like_a_missing_case(local: Local) -> None:
    hidden = local.new_case(prefix="AUD")
    partner = local.as_("legal_partner")
    seen = local.client.get(f"{V1}/cases/{hidden}", headers=partner)
    missing = local.client.get(f"{V1}/cases/NO-SUCH-{hidden[4:]}", headers=partner)
    assert seen.status_code == missing.status_code == 404
    assert seen.json()["code"] == missing.json()["code"] == "case_not_found"
    manager = local.client.post(f"{V1}/cases", json={}, headers=local.as_("manager"))
    assert manager.status_code == 403
    refused = local.audit("access_denied")
    assert {"actor": local.user("legal_partner"), "subject": f"case:{hidden}"} in [
        {"actor": r["actor"], "subject": r["subject"]} for r in refused
    ]
    assert any(r["actor"] == local.user("manager") and r["detail"]["status"] == 403 for r in refused)


# -- uploads: unguessable ids, one "not found", content checked and served as checked -------------


def test_uploads_have_random_ids_and_a_hidden_one_is_simply_not_found(local: Local) -> None:
    hidden = local.new_case(prefix="UPH")
    made = local.client.post(
        f"{V1}/cases/{hidden}/uploads",
        params={"filename": "statement.pdf"},
        content=make_pdf(1),
        headers={**local.as_("officer"), "Content-Type": "application/pdf"},
    )
    assert made.status_code == 201, made.text
    upload_id = made.json()["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", str(upload_id))

    partner = local.browser()
    sign_in(partner, local.keys["legal_partner"])
    hidden_answer = partner.get(f"/ui/uploads/{upload_id}/download")
    missing_answer = partner.get(f"/ui/uploads/{'0' * 32}/download")
    assert hidden_answer.status_code == missing_answer.status_code == 404
    assert hidden_answer.text == missing_answer.text
    assert hidden not in hidden_answer.text and hidden.split("/")[1] not in hidden_answer.text
    assert any(r["subject"] == f"upload:{upload_id}" for r in local.audit("access_denied"))

    officer = local.browser()
    sign_in(officer, local.keys["officer"])
    got = officer.get(f"/ui/uploads/{upload_id}/download")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content == make_pdf(1)


def test_an_upload_is_checked_by_its_content_and_served_with_the_checked_type(local: Local) -> None:
    ref = local.new_case(prefix="UPC")
    officer = {**local.as_("officer")}
    script = b"<html><script>alert(document.cookie)</script></html>"
    refused = local.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "evidence.pdf"},
        content=script,
        headers={**officer, "Content-Type": "application/pdf"},
    )
    assert refused.status_code == 422
    assert "evidence.pdf" in refused.json()["message"]
    broken = local.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "broken.pdf"},
        content=b"%PDF-1.7\n" + os.urandom(2000),
        headers=officer,
    )
    assert broken.status_code == 422

    png = image_bytes("PNG")
    made = local.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "photo.html"},
        content=png,
        headers={**officer, "Content-Type": "text/html"},
    )
    assert made.status_code == 201 and made.json()["content_type"] == "image/png"
    browser = local.browser()
    sign_in(browser, local.keys["officer"])
    got = browser.get(f"/ui/uploads/{made.json()['id']}/download")
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("attachment")
    assert got.headers["x-content-type-options"] == "nosniff"
