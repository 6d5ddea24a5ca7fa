from django.urls import reverse


def test_admin_header_names_the_app(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Customer-centricity scan — admin" in page
    assert "<title>Site administration | Customer-centricity scan — admin</title>" in page
