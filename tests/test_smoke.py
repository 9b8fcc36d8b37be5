from tests.conftest import login


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_staff_land_on_caseload_and_family_on_portal(client, people):
    response = login(client, people["owner"])
    assert response.headers["Location"].endswith("/cases/")
    page = client.get("/cases/")
    assert page.status_code == 200
    assert people["case"].reference in page.get_data(as_text=True)
    other = client.application.test_client()
    response = login(other, people["family"])
    assert response.headers["Location"].endswith("/portal/")
    assert other.get("/portal/").status_code == 200
