"""The exceptions of the ``ckpt`` package.

Every failure libckpt reports becomes one :class:`Error` subclass, picked by
the error object's ``"class"`` (see ``include/ckpt.h``).  The attribute names
``status_code``, ``error_code``, ``error_msg`` and ``request_id`` are those of
``huaweicloudsdkcore.exceptions.ClientRequestException``, so code that already
handles the official SDK's exceptions reads ours the same way.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, Mapping, Optional, Type

__all__ = [
    "Error",
    "InvalidRequestError",
    "NotFoundError",
    "ConflictError",
    "QuotaError",
    "AuthError",
    "PermissionDeniedError",
    "TimeoutError",
    "NetworkError",
    "RemoteError",
    "StorageError",
    "InternalError",
    "CanceledError",
    "error_from_object",
]


#: The members of an error object that carry an object (ckpt.h), each an
#: attribute of :class:`Error` of the same name.
_SUBJECTS = ("checkpoint", "backup", "operation_log", "prune")


class Error(Exception):
    """A failure reported by libckpt (or by the binding on its behalf).

    Attributes:
        code: the negative ``CKPT_E*`` code of the error's class.
        error_class: the class name: ``"invalid"``, ``"not_found"``, ...
        status_code: the service's HTTP status, or 0 when the failure never
            had an HTTP exchange (storage, internal, network, a wait timeout).
        error_code: ``"BackupService.NNNN"``, ``"CSBS.NNNN"`` or ``""``.
        error_msg: the message.
        request_id: the service's request id, or None.
        checkpoint: for a checkpoint wait that failed, timed out or was
            canceled, the checkpoint as last seen; otherwise None.
        backup: the same for a backup wait (``backup.wait``).
        operation_log: the same for a task wait (``operation_log.wait``).
        prune: for a ``backup.prune`` that could not delete everything, its
            result with ``"failed": [{"id", "error"}]``; otherwise None.
    """

    #: The class name this exception stands for (overridden per subclass).
    error_class_name: str = ""
    #: The ``CKPT_E*`` code of that class (overridden per subclass).
    default_code: int = 0

    code: int
    error_class: str
    status_code: int
    error_code: str
    error_msg: str
    request_id: Optional[str]
    checkpoint: Optional[Dict[str, Any]]
    backup: Optional[Dict[str, Any]]
    operation_log: Optional[Dict[str, Any]]
    prune: Optional[Dict[str, Any]]

    def __init__(
        self,
        error_msg: str,
        *,
        code: Optional[int] = None,
        error_class: Optional[str] = None,
        status_code: int = 0,
        error_code: str = "",
        request_id: Optional[str] = None,
        checkpoint: Optional[Dict[str, Any]] = None,
        backup: Optional[Dict[str, Any]] = None,
        operation_log: Optional[Dict[str, Any]] = None,
        prune: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.code = self.default_code if code is None else code
        self.error_class = self.error_class_name if error_class is None else error_class
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.checkpoint = checkpoint
        self.backup = backup
        self.operation_log = operation_log
        self.prune = prune
        super().__init__(error_msg)

    def __str__(self) -> str:
        """``[not_found] BackupService.6217: The backup restore point ... does not exist. (http 404)``."""
        head = f"[{self.error_class}] " if self.error_class else ""
        code = f"{self.error_code}: " if self.error_code else ""
        tail = []
        if self.status_code:
            tail.append(f"http {self.status_code}")
        if self.request_id:
            tail.append(f"request_id {self.request_id}")
        suffix = f" ({', '.join(tail)})" if tail else ""
        return f"{head}{code}{self.error_msg}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(error_msg={self.error_msg!r}, code={self.code!r}, "
            f"error_class={self.error_class!r}, status_code={self.status_code!r}, "
            f"error_code={self.error_code!r}, request_id={self.request_id!r})"
        )

    def to_dict(self) -> Dict[str, Any]:
        """The error object of ckpt.h that this exception carries."""
        d: Dict[str, Any] = {
            "code": self.code,
            "class": self.error_class,
            "http_status": self.status_code,
            "error_code": self.error_code,
            "error_msg": self.error_msg,
            "request_id": self.request_id,
        }
        for key in _SUBJECTS:
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d

    def __reduce__(self) -> Any:
        # Keyword-only constructor arguments do not survive the default
        # exception pickling (which replays self.args positionally).
        return (_rebuild, (type(self), self.to_dict()))


def _rebuild(cls: Type[Error], obj: Dict[str, Any]) -> Error:
    return cls(**_kwargs(obj))


class InvalidRequestError(Error):
    """CKPT_EINVAL: an invalid argument, request or configuration (e.g. 9900)."""

    error_class_name = "invalid"
    default_code = -1


class NotFoundError(Error):
    """CKPT_ENOTFOUND: the vault, policy or checkpoint does not exist."""

    error_class_name = "not_found"
    default_code = -2


class ConflictError(Error):
    """CKPT_ECONFLICT: the state does not allow it (busy, vault status, checkpoint in error)."""

    error_class_name = "conflict"
    default_code = -3


class QuotaError(Error):
    """CKPT_EQUOTA: capacity or quota exceeded."""

    error_class_name = "quota"
    default_code = -4


class AuthError(Error):
    """CKPT_EAUTH: authentication failed (401)."""

    error_class_name = "auth"
    default_code = -5


class PermissionDeniedError(Error):
    """CKPT_EPERM: permission denied (403)."""

    error_class_name = "permission"
    default_code = -6


class TimeoutError(Error, builtins.TimeoutError):  # noqa: A001 - deliberately shadows the builtin
    """CKPT_ETIMEOUT: a timeout expired.

    Also a builtin :class:`TimeoutError`, so ``except TimeoutError`` in code
    that does not know this package still catches it.
    """

    error_class_name = "timeout"
    default_code = -7


class NetworkError(Error):
    """CKPT_ENETWORK: connection, DNS or TLS failure."""

    error_class_name = "network"
    default_code = -8


class RemoteError(Error):
    """CKPT_EREMOTE: the remote service failed (429, 5xx, garbage)."""

    error_class_name = "remote"
    default_code = -9


class StorageError(Error):
    """CKPT_ESTORAGE: the local store failed (I/O, corruption, path)."""

    error_class_name = "storage"
    default_code = -10


class InternalError(Error):
    """CKPT_EINTERNAL: a bug in libckpt."""

    error_class_name = "internal"
    default_code = -11


class CanceledError(Error):
    """CKPT_ECANCELED: a wait stopped by its progress callback (since 1.1).

    Its ``checkpoint``, ``backup`` or ``operation_log`` attribute holds the
    object as last seen.
    """

    error_class_name = "canceled"
    default_code = -12


_BY_CLASS: Dict[str, Type[Error]] = {
    c.error_class_name: c
    for c in (
        InvalidRequestError,
        NotFoundError,
        ConflictError,
        QuotaError,
        AuthError,
        PermissionDeniedError,
        TimeoutError,
        NetworkError,
        RemoteError,
        StorageError,
        InternalError,
        CanceledError,
    )
}
_BY_CODE: Dict[int, Type[Error]] = {c.default_code: c for c in _BY_CLASS.values()}


def _kwargs(obj: Mapping[str, Any]) -> Dict[str, Any]:
    """Constructor arguments from an error object, tolerating odd members."""
    def text(key: str) -> str:
        v = obj.get(key)
        return v if isinstance(v, str) else ""

    code = obj.get("code")
    status = obj.get("http_status")
    request_id = obj.get("request_id")
    subjects = {key: obj.get(key) for key in _SUBJECTS}
    return {
        "error_msg": text("error_msg"),
        "code": code if isinstance(code, int) and not isinstance(code, bool) else None,
        "error_class": text("class") or None,
        "status_code": status if isinstance(status, int) and not isinstance(status, bool) else 0,
        "error_code": text("error_code"),
        "request_id": request_id if isinstance(request_id, str) else None,
        **{key: value if isinstance(value, dict) else None for key, value in subjects.items()},
    }


def error_from_object(obj: Mapping[str, Any], rc: Optional[int] = None) -> Error:
    """The exception for one error object of ckpt.h.

    Args:
        obj: the decoded error object.
        rc: the function's return code, used when the object names no known
            class.

    Returns:
        An instance of the subclass for ``obj["class"]`` (else for the code,
        else :class:`Error` itself).
    """
    kwargs = _kwargs(obj)
    cls = _BY_CLASS.get(kwargs["error_class"] or "")
    if cls is None:
        code = kwargs["code"] if kwargs["code"] is not None else rc
        cls = _BY_CODE.get(code if code is not None else 0, Error)
    if kwargs["code"] is None:
        kwargs["code"] = rc if rc is not None else cls.default_code
    return cls(**kwargs)
