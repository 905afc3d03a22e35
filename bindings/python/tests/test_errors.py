"""errors.py on its own: no library needed (it is loaded from its file)."""

from __future__ import annotations

import builtins
import importlib.util
import pickle
import sys
from types import ModuleType

import pytest

import support


@pytest.fixture(scope="module")
def errors() -> ModuleType:
    path = support.PACKAGE_ROOT / "ckpt" / "errors.py"
    spec = importlib.util.spec_from_file_location("ckpt_errors_standalone", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pickle finds the classes through it
    spec.loader.exec_module(module)
    return module


CLASSES = [
    ("invalid", -1, "InvalidRequestError"),
    ("not_found", -2, "NotFoundError"),
    ("conflict", -3, "ConflictError"),
    ("quota", -4, "QuotaError"),
    ("auth", -5, "AuthError"),
    ("permission", -6, "PermissionDeniedError"),
    ("timeout", -7, "TimeoutError"),
    ("network", -8, "NetworkError"),
    ("remote", -9, "RemoteError"),
    ("storage", -10, "StorageError"),
    ("internal", -11, "InternalError"),
    ("canceled", -12, "CanceledError"),
]


@pytest.mark.parametrize("cls_name,code,type_name", CLASSES)
def test_every_class_maps_to_its_subclass(errors: ModuleType, cls_name: str, code: int, type_name: str) -> None:
    obj = {"code": code, "class": cls_name, "http_status": 0, "error_code": "", "error_msg": "m", "request_id": None}
    err = errors.error_from_object(obj, code)
    assert type(err) is getattr(errors, type_name)
    assert isinstance(err, errors.Error)
    assert (err.code, err.error_class) == (code, cls_name)
    # With the class missing, the code still picks the subclass.
    assert type(errors.error_from_object({"error_msg": "m"}, code)) is getattr(errors, type_name)


def test_attributes_and_str(errors: ModuleType) -> None:
    obj = {
        "code": -2,
        "class": "not_found",
        "http_status": 404,
        "error_code": "BackupService.6302",
        "error_msg": "The checkpoint abc does not exist.",
        "request_id": "req-1",
    }
    err = errors.error_from_object(obj)
    assert err.status_code == 404
    assert err.error_code == "BackupService.6302"
    assert err.error_msg == "The checkpoint abc does not exist."
    assert err.request_id == "req-1"
    assert err.checkpoint is None
    assert str(err) == "[not_found] BackupService.6302: The checkpoint abc does not exist. (http 404, request_id req-1)"
    del obj["request_id"]
    assert str(errors.error_from_object(obj)) == (
        "[not_found] BackupService.6302: The checkpoint abc does not exist. (http 404)"
    )
    local = errors.error_from_object({"code": -7, "class": "timeout", "http_status": 0, "error_code": "",
                                      "error_msg": "too slow", "request_id": None, "checkpoint": {"id": "x"}})
    assert str(local) == "[timeout] too slow"
    assert local.checkpoint == {"id": "x"}
    assert local.to_dict()["checkpoint"] == {"id": "x"}


def test_the_objects_a_wait_or_a_prune_carries(errors: ModuleType) -> None:
    base = {"code": -3, "class": "conflict", "http_status": 0, "error_code": "", "error_msg": "m", "request_id": None}
    for key in ("checkpoint", "backup", "operation_log", "prune"):
        err = errors.error_from_object(dict(base, **{key: {"id": key}}))
        assert getattr(err, key) == {"id": key}
        others = {"checkpoint", "backup", "operation_log", "prune"} - {key}
        assert all(getattr(err, other) is None for other in others)
        assert err.to_dict() == dict(base, **{key: {"id": key}})
        back = pickle.loads(pickle.dumps(err))
        assert getattr(back, key) == {"id": key} and back.to_dict() == err.to_dict()
    # None of them is a member of the error object when it is absent.
    assert set(errors.error_from_object(base).to_dict()) == set(base)
    canceled = errors.error_from_object({"code": -12, "class": "canceled", "error_msg": "stop",
                                         "backup": {"id": "b", "status": "protecting"}})
    assert type(canceled) is errors.CanceledError and canceled.backup == {"id": "b", "status": "protecting"}
    assert str(canceled) == "[canceled] stop"
    # The class alone, or the code alone, picks it.
    assert type(errors.error_from_object({"error_msg": "m"}, -12)) is errors.CanceledError
    assert errors.CanceledError("x").code == -12


def test_timeout_error_is_also_the_builtin(errors: ModuleType) -> None:
    err = errors.TimeoutError("slow")
    assert isinstance(err, builtins.TimeoutError)
    assert isinstance(err, OSError)
    assert isinstance(err, errors.Error)
    with pytest.raises(builtins.TimeoutError):
        raise err
    assert str(err) == "[timeout] slow"


def test_unknown_class_and_code_fall_back_to_error(errors: ModuleType) -> None:
    err = errors.error_from_object({"code": -99, "class": "brand_new", "error_msg": "?"}, -99)
    assert type(err) is errors.Error
    assert (err.code, err.error_class) == (-99, "brand_new")


def test_malformed_members_are_tolerated(errors: ModuleType) -> None:
    err = errors.error_from_object({"class": "quota", "http_status": "400", "error_code": 7, "request_id": 5,
                                    "checkpoint": [], "backup": "b", "operation_log": 3, "prune": None}, -4)
    assert type(err) is errors.QuotaError
    assert (err.status_code, err.error_code, err.request_id, err.checkpoint) == (0, "", None, None)
    assert (err.backup, err.operation_log, err.prune) == (None, None, None)


@pytest.mark.parametrize("cls_name,code,type_name", CLASSES)
def test_pickle_round_trip(errors: ModuleType, cls_name: str, code: int, type_name: str) -> None:
    err = getattr(errors, type_name)("msg", status_code=400, error_code="X.1", request_id="r",
                                     checkpoint={"status": "error"}, backup={"id": "b"},
                                     operation_log={"id": "l"}, prune={"keep": [], "remove": [], "failed": []})
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert back.to_dict() == err.to_dict()
    assert str(back) == str(err)
