"""SQL that inline code hands a database driver is judged as ``psql -c`` runs it (known leftover: a DB-API cursor's
``execute('DROP TABLE users')`` was not judged at all, so the call was approved while ``psql -c 'DROP TABLE users'``
is escalated)."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

H, C = Severity.high, Severity.critical


@pytest.mark.parametrize(
    ("cmd", "rule", "severity"),
    [
        ("python3 -c \"import sqlite3; c = sqlite3.connect('app.db'); c.execute('DROP TABLE users')\"",
         "tool_use.database_destruction.drop_table", H),
        ("python3 -c \"import psycopg; psycopg.connect('dbname=prod').execute('DROP DATABASE prod')\"",
         "tool_use.database_destruction.drop_database", C),
        ("python3 -c 'import sqlite3; sqlite3.connect(\"app.db\").executescript(\"\"\"DELETE FROM orders;\"\"\")'",
         "tool_use.database_destruction.delete_all", H),
        ("node -e \"const {Client}=require('pg'); const c=new Client(); c.connect().then(()=>c.query('TRUNCATE users'))\"",
         "tool_use.database_destruction.truncate", H),
        ("python3 -c \"from sqlalchemy import create_engine, text; e=create_engine('postgresql:///prod'); "
         "e.connect().execute(text('UPDATE users SET admin = true'))\"",
         "tool_use.database_destruction.update_all", H),
    ],
)
def test_sql_sent_through_a_driver_is_judged_as_psql_runs_it(cmd: str, rule: str, severity: Severity) -> None:
    result = shell(cmd)
    assert found(result).get(rule) == severity, found(result)
    assert found(shell(f"psql -c {rule_sql(cmd)!r}")).get(rule) == severity  # the same statement, as psql runs it


def rule_sql(cmd: str) -> str:
    """The statement of ``cmd`` (the test's own reading, to compare with psql)."""
    for word in ("DROP TABLE users", "DROP DATABASE prod", "DELETE FROM orders;", "TRUNCATE users",
                 "UPDATE users SET admin = true"):
        if word in cmd:
            return word
    raise AssertionError(cmd)


@pytest.mark.parametrize(
    "cmd",
    [
        "python3 -c \"import sqlite3; print(sqlite3.connect('app.db').execute('select count(*) from orders').fetchone())\"",
        "python3 -c \"import sqlite3; c = sqlite3.connect('app.db'); c.execute('DELETE FROM sessions WHERE expired = 1')\"",
        "python3 -c \"import pandas as pd; df = pd.read_csv('x.csv'); print(df.query('amount > 100'))\"",
        "node -e \"require('pg').Pool().query('SELECT now()').then(console.log)\"",
    ],
)
def test_reads_and_bounded_deletes_through_a_driver_stay_approved(cmd: str) -> None:
    assert approved(shell(cmd)), found(shell(cmd))
