"""user/sync's holder rules without HTTP: a CNP or ID card belongs to one employee of a company.

Depends on: iflow.services.sync.sync_user, reached through tests.services.sync (the one place that speaks its
current signature), and the (field, check) names of its refusals.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.iflow.models import Employee
from flowsuite.iflow.services.sync import cnp_is_valid
from tests.services import iflow_employee, new_company, sync, sync_refusal

# Valid Romanian CNPs (check digit and birth date right), so no test depends on the lenient CNP setting.
CNP_ANA, CNP_ION = "2900101400014", "1850615123456"


def employee(session: Session, employee_id: int) -> Employee:
    session.expire_all()
    return session.execute(select(Employee).where(Employee.id == employee_id)).scalar_one()


def test_the_cnps_are_valid() -> None:
    assert cnp_is_valid(CNP_ANA) and cnp_is_valid(CNP_ION)


def test_a_new_employee_may_not_take_a_cnp_another_employee_holds(session: Session) -> None:
    company_id = new_company(session).id
    iflow_employee(session, company_id, "Ana Pop", id_card="RX100001", cnp=CNP_ANA)

    refused = sync_refusal(session, company_id, "id_card", "RX100002", full_name="Ion Pop", cnp=CNP_ANA)

    assert refused == [("cnp", "unique")]
    assert session.scalar(select(Employee.id).where(Employee.id_card == "RX100002")) is None


def test_an_update_may_not_give_an_employee_an_id_card_another_holds(session: Session) -> None:
    company_id = new_company(session).id
    iflow_employee(session, company_id, "Ana Pop", id_card="RX200001", cnp=CNP_ANA)
    ion = iflow_employee(session, company_id, "Ion Pop", id_card="RX200002", cnp=CNP_ION)

    refused = sync_refusal(session, company_id, "cnp", CNP_ION, id_card="RX200001")

    assert refused == [("id_card", "unique")]
    assert employee(session, ion).id_card == "RX200002"


def test_searching_by_one_employees_id_card_while_setting_anothers_cnp_is_refused(session: Session) -> None:
    company_id = new_company(session).id
    iflow_employee(session, company_id, "Ana Pop", id_card="RX300001", cnp=CNP_ANA)
    ion = iflow_employee(session, company_id, "Ion Pop", id_card="RX300002")

    refused = sync_refusal(session, company_id, "id_card", "RX300002", cnp=CNP_ANA)

    assert refused == [("cnp", "unique")]
    assert employee(session, ion).cnp is None


def test_updating_by_id_card_finds_the_person_who_holds_it(session: Session) -> None:
    company_id = new_company(session).id
    # The same text is Ana's CNP and Ion's ID card: searching by id_card must find Ion, not Ana.
    ana = iflow_employee(session, company_id, "Ana Pop", id_card="RX400001", cnp=CNP_ANA)
    ion = iflow_employee(session, company_id, "Ion Pop", id_card=CNP_ANA)

    synced = sync(session, company_id, "id_card", CNP_ANA, full_name="Ion Popescu")

    assert (synced.created, synced.employee_id) == (False, ion)
    assert (synced.values["full_name"], synced.values["id_card"]) == ("Ion Popescu", CNP_ANA)
    assert employee(session, ion).full_name == "Ion Popescu"
    assert employee(session, ana).full_name == "Ana Pop"


def test_an_employee_may_resend_their_own_cnp_and_id_card(session: Session) -> None:
    company_id = new_company(session).id
    ana = iflow_employee(session, company_id, "Ana Pop", id_card="RX500001", cnp=CNP_ANA)

    synced = sync(session, company_id, "cnp", CNP_ANA, id_card="RX500001", job_title="Accountant")

    assert (synced.created, synced.employee_id) == (False, ana)
    assert employee(session, ana).job_title == "Accountant"


def test_an_unknown_id_card_without_a_full_name_creates_nobody(session: Session) -> None:
    company_id = new_company(session).id

    assert sync_refusal(session, company_id, "id_card", "RX600001") == [("full_name", "required")]


def test_another_companys_holder_does_not_count(session: Session) -> None:
    first, second = new_company(session).id, new_company(session).id
    iflow_employee(session, first, "Ana Pop", id_card="RX700001", cnp=CNP_ANA)

    synced = sync(session, second, "id_card", "RX700001", full_name="Ana Pop", cnp=CNP_ANA)

    assert synced.created
    assert (synced.values["id_card"], synced.values["cnp"], synced.warnings) == ("RX700001", CNP_ANA, [])
