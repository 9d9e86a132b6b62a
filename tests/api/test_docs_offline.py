"""The API documentation loads nothing from the internet: its assets are served by the app."""

import re


def test_it_serves_the_api_documentation_assets_locally(world, client_for):
    response = client_for(world.office).get("/api/v1/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets
    assert all(asset.startswith("/static/") for asset in assets), assets
