"""PingRequest: a ping's parameters read straight from the WSGI environ, as werkzeug reads them."""


import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from webapp.ping.request import PingRequest

# A PingRequest's parameters must be the ones werkzeug (and so Flask) reads.
QUERIES = [
    "status=up&msg=bench&value=1",
    "msg=two+words%21&msg=second",      # + and %-escapes; the first value wins
    "msg=&status",                      # blank values, a name without "="
    "msg=caf%C3%A9&x=%E2%82%AC",        # UTF-8 escapes
    "msg=bad%FFbyte",                   # not UTF-8: stays escaped
    "&&a=1&&b=%zz",                     # empty pairs, a broken escape
    "m%73g=name%20escaped",
    "",
]


@pytest.mark.parametrize("query", QUERIES)
def test_ping_request_reads_parameters_as_werkzeug_does(query):
    environ = EnvironBuilder(path="/ping/x", query_string=query).get_environ()
    expected = Request(environ).args
    got = PingRequest(environ).args
    assert got == {name: expected.get(name) for name in expected}


def test_ping_request_reads_raw_utf8_in_the_query():
    # WSGI gives the query's raw bytes as latin-1 text.
    environ = {"QUERY_STRING": "msg=café".encode().decode("latin-1")}
    assert PingRequest(environ).args == {"msg": "café"}
