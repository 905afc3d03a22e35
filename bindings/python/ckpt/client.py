"""The :class:`Client`: one libckpt handle, with a method per operation.

Every method takes and returns the documented JSON as dicts: the response is
the whole body (e.g. ``{"checkpoint": {...}}``), exactly what the service or
the embedded backend answers.
"""

from __future__ import annotations

import json
import json.encoder
import threading
import time
import uuid
import weakref
from typing import Any, Callable, Dict, Iterable, Iterator, Mapping, Optional, Union

from . import _ffi
from .errors import ConflictError, InvalidRequestError, TimeoutError

__all__ = ["Client", "CSBS_PROVIDER_ID", "OPERATIONS", "Id", "Resource", "ProgressCallback"]

#: Every operation of libckpt's operation table, with the :class:`Client`
#: method that runs it (:meth:`Client.call` runs any of them by name).  A
#: test checks this against the library's table (``ckpt operations``).
OPERATIONS: Mapping[str, str] = {
    "vault.create": "create_vault",
    "vault.get": "get_vault",
    "policy.create": "create_policy",
    "policy.get": "get_policy",
    "checkpoint.create": "create_checkpoint",
    "checkpoint.get": "get_checkpoint",
    "checkpoint.wait": "wait_checkpoint",
    "policy.execute": "execute_policy",
    "policy.checkpoint_get": "get_policy_checkpoint",
    "local.vault.set_status": "set_vault_status",
    "local.checkpoint.set_status": "set_checkpoint_status",
}

#: The CSBS provider id, the default ``provider_id`` of the v1 operations
#: (``CKPT_CSBS_PROVIDER_ID``).
CSBS_PROVIDER_ID = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"

#: An object id: UUID text or a :class:`uuid.UUID`.
Id = Union[str, uuid.UUID]
#: A resource of a vault or policy: ``{"id", "type", "name", "size"}``.
Resource = Mapping[str, Any]
#: ``on_progress(checkpoint, elapsed_seconds)`` of :meth:`Client.wait_checkpoint`.
ProgressCallback = Callable[[Dict[str, Any], float], None]

# checkpoint.wait's limits (ckpt.h), checked before polling in Python.
_MAX_WAIT_SECONDS = 86400.0
_CHECKPOINT_STATUSES = ("available", "deleting", "creating", "restoring", "error", "protecting")
# The json module's C string encoder: ASCII output, as json.dumps's default.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring_ascii
# Backoff of the Python-side wait: first poll interval, growth, ceiling.
_POLL_FIRST, _POLL_FACTOR, _POLL_MAX = 0.02, 1.5, 0.5


def _id(value: Id) -> str:
    return str(value) if isinstance(value, uuid.UUID) else value


def _id_request(key: str, value: Id) -> bytes:
    """``{"<key>": "<id>"}`` as JSON text, the request of the by-id reads.

    Escapes with the json module's own string encoder rather than a whole
    ``json.dumps`` (a tenth of the cost; the gets are the hot path); any
    value other than text or a UUID goes through ``json.dumps`` so that the
    library reports its type.
    """
    value = _id(value)
    if type(value) is str:
        return ('{"' + key + '":' + _encode_string(value) + "}").encode("ascii")
    return json.dumps({key: value}).encode("utf-8")


class _Handle:
    """The C handle with a count of the calls in flight on it.

    ``ckpt_client_close`` must not race with calls on the same handle, so
    :meth:`close` only marks the handle closed while calls are running, and
    the last of them releases it.  Kept apart from :class:`Client` so that
    the finalizer can hold it without keeping the client alive.
    """

    __slots__ = ("_address", "_lock", "_in_flight", "_closed", "__weakref__")

    def __init__(self, address: int) -> None:
        self._address: Optional[int] = address
        self._lock = threading.Lock()
        self._in_flight = 0
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def acquire(self) -> int:
        with self._lock:
            if self._closed or self._address is None:
                raise ValueError("operation on a closed ckpt.Client")
            self._in_flight += 1
            return self._address

    def release(self) -> None:
        with self._lock:
            self._in_flight -= 1
            address = self._take_if_idle()
        if address is not None:
            _ffi.client_close(address)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            address = self._take_if_idle()
        if address is not None:
            _ffi.client_close(address)

    def _take_if_idle(self) -> Optional[int]:
        # Under self._lock: hands the address to exactly one closer.
        if self._closed and self._in_flight == 0 and self._address is not None:
            address, self._address = self._address, None
            return address
        return None


class Client:
    """A libckpt client.

    Args:
        config: the configuration object of ``ckpt_client_open`` (keys
            ``backend``, ``path``, ``project_id``, ``durability``,
            ``simulate``, and the remote backend's keys); None for defaults.
        **config_kwargs: more configuration keys, merged over ``config``:
            ``Client(path=":memory:")``.

    Raises:
        InvalidRequestError: a bad configuration.
        StorageError: the store cannot be opened.

    A client may be shared by any number of threads.  :meth:`close` (or the
    ``with`` statement) releases it; if calls are still running on other
    threads, the handle is released when the last of them returns, and no new
    call may start.  A client that is never closed is closed when it is
    garbage-collected.  A call on a closed client raises :class:`ValueError`.
    """

    def __init__(self, config: Optional[Mapping[str, Any]] = None, /, **config_kwargs: Any) -> None:
        merged: Dict[str, Any] = dict(config or {})
        merged.update(config_kwargs)
        address = _ffi.client_open(json.dumps(merged).encode("utf-8"))
        self._handle = _Handle(address)
        self._finalizer = weakref.finalize(self, self._handle.close)

    # -- lifetime ----------------------------------------------------------

    def close(self) -> None:
        """Release the handle.  Idempotent; safe while other threads call."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._handle.closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ckpt.Client {'closed' if self.closed else 'open'} at {id(self):#x}>"

    # -- the generic call --------------------------------------------------

    def call(self, operation: str, request: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Run one operation by its canonical name (``ckpt_call_text``).

        Args:
            operation: e.g. ``"checkpoint.get"``; see ckpt.h for the list.
            request: the request body plus path parameters as top-level
                fields; None means ``{}``.

        Returns:
            The response body.

        Raises:
            ckpt.Error: the subclass of the error's class.
            ValueError: the client is closed, or ``operation`` contains NUL.
            TypeError: ``request`` is not JSON-serialisable.
        """
        if "\0" in operation:
            raise ValueError("operation contains a NUL character")
        body = None if request is None else json.dumps(request).encode("utf-8")
        return self._call(operation.encode("utf-8"), body)

    def _call(self, operation: bytes, body: Optional[bytes]) -> Dict[str, Any]:
        address = self._handle.acquire()
        try:
            text = _ffi.call(address, operation, body)
        finally:
            self._handle.release()
        return _ffi.parse_object(text)

    # -- vaults --------------------------------------------------------------

    def create_vault(
        self,
        name: str,
        *,
        size_gb: int,
        resources: Optional[Iterable[Resource]] = None,
        description: Optional[str] = None,
        **extra: Any,
    ) -> Dict[str, Any]:
        """vault.create: a CBR vault of ``size_gb`` GB.

        Args:
            name: the vault name.
            size_gb: the capacity, ``billing.size``.
            resources: ``{"id", "type", "name", "size"}`` dicts; ``size`` (GB)
                is local to the embedded backend.
            description: optional.
            **extra: other members of the vault body (``backup_policy_id``,
                ``tags``, ...), sent as given.

        Returns:
            ``{"vault": {...}}``.
        """
        vault: Dict[str, Any] = {
            "name": name,
            "billing": {"size": size_gb},
            "resources": [dict(r) for r in (resources or ())],
        }
        if description is not None:
            vault["description"] = description
        vault.update(extra)
        return self.call("vault.create", {"vault": vault})

    def get_vault(self, vault_id: Id) -> Dict[str, Any]:
        """vault.get: ``{"vault": {...}}``."""
        return self._call(b"vault.get", _id_request("vault_id", vault_id))

    def set_vault_status(self, vault_id: Id, status: str) -> Dict[str, Any]:
        """local.vault.set_status (embedded backend only): put a vault into
        ``available``, ``lock``, ``frozen``, ``deleting`` or ``error``."""
        return self.call("local.vault.set_status", {"vault_id": _id(vault_id), "status": status})

    # -- policies ------------------------------------------------------------

    def create_policy(
        self,
        name: str,
        *,
        resources: Iterable[Resource],
        description: Optional[str] = None,
        **extra: Any,
    ) -> Dict[str, Any]:
        """policy.create: a CSBS backup policy.

        Args:
            name: the policy name.
            resources: ``{"id", "type", "name", "size"}`` dicts.
            description: optional.
            **extra: other members of the policy body (``provider_id``,
                ``parameters``, ``scheduled_operations``, ``tags``).

        Returns:
            ``{"policy": {...}}``.
        """
        policy: Dict[str, Any] = {"name": name, "resources": [dict(r) for r in resources]}
        if description is not None:
            policy["description"] = description
        policy.update(extra)
        return self.call("policy.create", {"policy": policy})

    def get_policy(self, policy_id: Id) -> Dict[str, Any]:
        """policy.get: ``{"policy": {...}}``."""
        return self._call(b"policy.get", _id_request("policy_id", policy_id))

    def execute_policy(
        self,
        plan_id: Id,
        *,
        resources: Optional[Iterable[Id]] = None,
        auto_trigger: Optional[bool] = None,
        provider_id: str = CSBS_PROVIDER_ID,
    ) -> Dict[str, Any]:
        """policy.execute: back up a policy's resources now (CSBS v1).

        Args:
            plan_id: the policy.
            resources: resource ids; None means every resource of the policy.
            auto_trigger: sent only when not None.
            provider_id: the provider path parameter.

        Returns:
            ``{"checkpoint": checkpoint_resp}`` (the v1 shape).
        """
        parameters: Dict[str, Any] = {}
        if auto_trigger is not None:
            parameters["auto_trigger"] = auto_trigger
        if resources is not None:
            parameters["resources"] = [_id(r) for r in resources]
        return self.call(
            "policy.execute",
            {"provider_id": provider_id, "checkpoint": {"plan_id": _id(plan_id), "parameters": parameters}},
        )

    def get_policy_checkpoint(self, checkpoint_id: Id, *, provider_id: str = CSBS_PROVIDER_ID) -> Dict[str, Any]:
        """policy.checkpoint_get: a v1 checkpoint, ``{"checkpoint": {...}}``."""
        return self.call("policy.checkpoint_get", {"provider_id": provider_id, "checkpoint_id": _id(checkpoint_id)})

    # -- checkpoints ---------------------------------------------------------

    def create_checkpoint(
        self,
        vault_id: Id,
        *,
        resources: Optional[Iterable[Id]] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        incremental: Optional[bool] = None,
        auto_trigger: Optional[bool] = None,
    ) -> Dict[str, Any]:
        """checkpoint.create: back up a vault (CBR v3).

        Only the parameters that are not None are sent; an explicit
        ``incremental=False`` is sent, and asks for a full backup.

        Args:
            vault_id: the vault.
            resources: resource ids of the vault; None means all of them.
            name, description: of the checkpoint.
            incremental: True for incremental, False for a full backup.
            auto_trigger: whether the backup counts as automatic.

        Returns:
            ``{"checkpoint": CheckpointCreate}``, status ``protecting``.
        """
        parameters: Dict[str, Any] = {}
        if auto_trigger is not None:
            parameters["auto_trigger"] = auto_trigger
        if description is not None:
            parameters["description"] = description
        if incremental is not None:
            parameters["incremental"] = incremental
        if name is not None:
            parameters["name"] = name
        if resources is not None:
            parameters["resources"] = [_id(r) for r in resources]
        checkpoint: Dict[str, Any] = {"vault_id": _id(vault_id)}
        if parameters:
            checkpoint["parameters"] = parameters
        return self.call("checkpoint.create", {"checkpoint": checkpoint})

    def get_checkpoint(self, checkpoint_id: Id) -> Dict[str, Any]:
        """checkpoint.get: ``{"checkpoint": CheckpointCreate}``."""
        return self._call(b"checkpoint.get", _id_request("checkpoint_id", checkpoint_id))

    def set_checkpoint_status(self, checkpoint_id: Id, status: str) -> Dict[str, Any]:
        """local.checkpoint.set_status (embedded backend only)."""
        return self.call("local.checkpoint.set_status", {"checkpoint_id": _id(checkpoint_id), "status": status})

    def wait_checkpoint(
        self,
        checkpoint_id: Id,
        *,
        status: str = "available",
        timeout: float = 60.0,
        on_progress: Optional[ProgressCallback] = None,
    ) -> Dict[str, Any]:
        """Wait until a checkpoint reaches ``status``.

        Without ``on_progress`` this is one ``checkpoint.wait`` call, which
        polls inside the library.  With it, the binding polls
        ``checkpoint.get`` itself (with a short backoff) and calls
        ``on_progress(checkpoint, elapsed_seconds)`` after every poll.

        Args:
            checkpoint_id: the checkpoint.
            status: the status to wait for.
            timeout: seconds, 0 to 86400.
            on_progress: optional callback; an exception it raises ends the
                wait and propagates.

        Returns:
            ``{"checkpoint": {...}}`` in the target status.

        Raises:
            ckpt.TimeoutError: ``timeout`` passed first; its ``checkpoint``
                attribute holds the checkpoint as last seen.
            ckpt.ConflictError: the checkpoint reached ``error``; its
                ``checkpoint`` attribute holds the checkpoint.
            ckpt.InvalidRequestError: ``status`` is not a checkpoint status.
            ValueError: ``timeout`` is out of range.
        """
        if on_progress is None:
            return self.call(
                "checkpoint.wait",
                {"checkpoint_id": _id(checkpoint_id), "status": status, "timeout_ms": _timeout_ms(timeout)},
            )
        return self._poll_checkpoint(_id(checkpoint_id), status, timeout, on_progress)

    def _poll_checkpoint(
        self, checkpoint_id: str, status: str, timeout: float, on_progress: ProgressCallback
    ) -> Dict[str, Any]:
        _timeout_ms(timeout)
        if status not in _CHECKPOINT_STATUSES:
            # As checkpoint.wait itself refuses it, so both modes fail alike.
            raise InvalidRequestError(
                f"status: must be one of {', '.join(_CHECKPOINT_STATUSES)}",
                status_code=400,
                error_code="BackupService.9900",
            )
        start = time.monotonic()
        for delay in _backoff():
            response = self.get_checkpoint(checkpoint_id)
            checkpoint: Dict[str, Any] = response.get("checkpoint") or {}
            elapsed = time.monotonic() - start
            on_progress(checkpoint, elapsed)
            current = checkpoint.get("status")
            if current == status:
                return response
            if current == "error":
                # Worded and shaped as checkpoint.wait's own errors.
                raise ConflictError(
                    f"checkpoint {checkpoint_id} went to status error while waiting for {status}",
                    checkpoint=checkpoint,
                )
            remaining = timeout - (time.monotonic() - start)
            if remaining <= 0:
                raise TimeoutError(
                    f"checkpoint {checkpoint_id} is still {current} after {_timeout_ms(timeout)} ms, "
                    f"waiting for {status}",
                    checkpoint=checkpoint,
                )
            time.sleep(min(delay, remaining))
        raise AssertionError("unreachable")  # _backoff() never ends


def _backoff() -> Iterator[float]:
    delay = _POLL_FIRST
    while True:
        yield delay
        delay = min(delay * _POLL_FACTOR, _POLL_MAX)


def _timeout_ms(timeout: float) -> int:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not 0 <= timeout <= _MAX_WAIT_SECONDS:  # also refuses NaN
        raise ValueError(f"timeout must be between 0 and {_MAX_WAIT_SECONDS:g} seconds, not {timeout!r}")
    return int(round(timeout * 1000))

