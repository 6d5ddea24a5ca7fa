"""The respondents' roles, in one place (no Django): the codes stored with a response
and the two sides of the perception gap."""

from __future__ import annotations

BOARD, MANAGER, EMPLOYEE = "board", "manager", "employee"
ROLE_CODES: tuple[str, ...] = (BOARD, MANAGER, EMPLOYEE)
MANAGEMENT_ROLES: tuple[str, ...] = (BOARD, MANAGER)  # "management" in the perception gap
EMPLOYEE_ROLES: tuple[str, ...] = (EMPLOYEE,)
