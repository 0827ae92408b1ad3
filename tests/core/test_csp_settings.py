"""The policy adapts to what the deployment configures: OAuth providers and object storage for uploads."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def policy_for(extra_env: dict) -> str:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "sprintlab.settings",
        "SPRINTLAB_DEV": "1",
        **extra_env,
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forms_may_lead_only_to_the_configured_providers():
    policy = policy_for({"GITHUB_CLIENT_ID": "id", "ORCID_CLIENT_ID": "id"})
    assert "form-action 'self' https://github.com/login/oauth/authorize https://orcid.org/oauth/authorize;" in policy
    assert "google" not in policy


def test_images_may_come_from_the_upload_bucket_only():
    policy = policy_for({"AWS_STORAGE_BUCKET_NAME": "sprint-media", "AWS_S3_REGION_NAME": "eu-west-1"})
    assert (
        "img-src 'self' data: https://sprint-media.s3.amazonaws.com https://sprint-media.s3.eu-west-1.amazonaws.com;"
        in policy
    )
