"""deploy/haproxy.cfg is one file for both shapes: docker-compose mounts it as it is, `jobsight up
--replicas N` renders it with loopback servers. HAProxy itself checks both when it is installed."""
import re
import subprocess

import pytest

from jobsight.supervisor import HAPROXY_TEMPLATE, find_haproxy, render_haproxy

TEMPLATE = HAPROXY_TEMPLATE.read_text()


def rendered(tmp_path, ports=(8101, 8102)):
    return render_haproxy(TEMPLATE, "127.0.0.1:8100", [(f"gateway-{i}", f"127.0.0.1:{p}") for i, p in enumerate(ports)],
                          str(tmp_path / "haproxy.sock"))


def lines(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_local_rendering_lists_one_server_per_gateway_port_and_no_dns(tmp_path):
    text = lines(rendered(tmp_path, (8101, 8102, 8103)))
    assert [line for line in text if line.startswith("server")] == [
        "server gateway-0 127.0.0.1:8101", "server gateway-1 127.0.0.1:8102", "server gateway-2 127.0.0.1:8103"]
    assert "bind 127.0.0.1:8100" in text
    assert not any(line.startswith(("server-template", "resolvers", "nameserver", "bind *:")) for line in text)
    assert f'stats socket "{tmp_path / "haproxy.sock"}" mode 600 level user' in text


def test_the_compose_shape_finds_the_gateways_by_dns():
    text = lines(TEMPLATE)
    assert any(re.match(r"server-template gateway \d+ gateway:8000 .*resolvers docker", line) for line in text)
    assert "bind *:8000" in text


def test_both_shapes_share_the_checks_retries_and_timeouts(tmp_path):
    for text in (lines(TEMPLATE), lines(rendered(tmp_path))):
        assert "option httpchk GET /health/live" in text
        assert "retry-on conn-failure empty-response response-timeout" in text
        assert "retries 2" in text and "option redispatch 1" in text
        assert "option forwardfor" in text and "timeout tunnel 1h" in text
        # retry-on replays any method: only idempotent ones may be sent twice.
        assert "http-request disable-l7-retry unless { method GET HEAD OPTIONS PUT DELETE }" in text


def test_a_template_without_its_blocks_is_refused():
    with pytest.raises(ValueError, match="servers"):
        render_haproxy("global\n  # bind: begin\n  # bind: end\n", "127.0.0.1:1", [])


def haproxy_check(path) -> subprocess.CompletedProcess:
    binary = find_haproxy()
    if binary is None:
        pytest.skip("haproxy is not installed (scripts/setup.sh installs it)")
    return subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)


def test_haproxy_accepts_the_rendered_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(rendered(tmp_path))
    check = haproxy_check(path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "WARNING" not in check.stdout + check.stderr


def test_haproxy_accepts_the_compose_config():
    check = haproxy_check(HAPROXY_TEMPLATE)
    assert check.returncode == 0, check.stdout + check.stderr
