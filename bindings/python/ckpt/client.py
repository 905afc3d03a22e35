"""The :class:`Client`: one libckpt handle, with a method per operation.

Every method takes and returns the documented JSON as dicts: the response is
the whole body (e.g. ``{"checkpoint": {...}}``), exactly what the service or
the embedded backend answers.
"""

from __future__ import annotations

import datetime
import json
import json.encoder
import threading
import time
import uuid
import weakref
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _ffi
from .errors import CanceledError, ConflictError, Error, InvalidRequestError, NotFoundError, TimeoutError

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
    "backup.list": "list_backups",
    "backup.get": "get_backup",
    "backup.update": "update_backup",
    "backup.delete": "delete_backup",
    "backup.restore": "restore_backup",
    "operation_log.list": "list_operation_logs",
    "operation_log.get": "get_operation_log",
    "backup.wait": "wait_backup",
    "operation_log.wait": "wait_operation_log",
    "backup.prune": "prune_backups",
    "vault.list": "list_vaults",
    "vault.update": "update_vault",
    "vault.delete": "delete_vault",
    "vault.add_resources": "add_vault_resources",
    "vault.remove_resources": "remove_vault_resources",
    "policy.checkpoint_list": "list_policy_checkpoints",
    "policy.checkpoint_delete": "delete_policy_checkpoint",
}

#: The CSBS provider id, the default ``provider_id`` of the v1 operations
#: (``CKPT_CSBS_PROVIDER_ID``).
CSBS_PROVIDER_ID = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"

#: An object id: UUID text or a :class:`uuid.UUID`.
Id = Union[str, uuid.UUID]
#: A resource of a vault or policy: ``{"id", "type", "name", "size"}``.
Resource = Mapping[str, Any]
#: ``on_progress(obj, elapsed_seconds)`` of the waits (:meth:`Client.wait_checkpoint`,
#: :meth:`Client.wait_backup`, :meth:`Client.wait_operation_log`): ``obj`` is
#: the checkpoint, backup or task as just polled.  Returning ``False`` (that
#: object, not any false value) cancels the wait with :class:`ckpt.CanceledError`.
ProgressCallback = Callable[[Dict[str, Any], float], Optional[bool]]

# The waits' limits (ckpt.h), checked before polling in Python.
_MAX_WAIT_SECONDS = 86400.0
_CHECKPOINT_STATUSES = ("available", "deleting", "creating", "restoring", "error", "protecting")
_BACKUP_STATUSES = (
    "available", "deleting", "error", "protecting", "restoring",
    "waiting_delete", "waiting_protect", "waiting_restore",
)
#: backup.wait's pseudo-status: the backup is gone.
_DELETED = "deleted"
# The ends of a task other than success (operation_log.wait: class conflict).
_TASK_FAILURES = ("failed", "timeout", "skipped")
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

    def list_vaults(self, **filters: Any) -> Dict[str, Any]:
        """vault.list: one page of the project's vaults.

        Args:
            **filters: the filters ``name`` (exact), ``id`` (an id or a list
                of them), ``status``, ``object_type``, ``protect_type``,
                ``cloud_type``, ``policy_id``, ``resource_ids`` (a list of ids,
                or their text separated by commas: vaults holding any of
                them), and the paging of :meth:`list_backups` (``sort`` over
                ``created_at``, ``name``, ``status``, ``id``).  A filter given
                as None is not sent.

        Returns:
            ``{"vaults": [...], "count": total matches, "offset", "limit"}``.
        """
        return self.call("vault.list", _vault_filters(filters))

    def iter_vaults(self, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every vault that matches ``filters`` (those of :meth:`list_vaults`),
        paging with ``marker`` as :meth:`iter_backups` does."""
        return self._iterate("vault.list", "vaults", _vault_filters(filters))

    def update_vault(
        self,
        vault_id: Id,
        *,
        name: Optional[str] = None,
        size_gb: Optional[int] = None,
        **settings: Any,
    ) -> Dict[str, Any]:
        """vault.update: rename a vault or change its capacity.

        Args:
            vault_id: the vault.
            name: the new name, when not None.
            size_gb: the new capacity (``billing.size``), when not None; it
                may not be below what the vault uses.
            **settings: other members of VaultUpdate (``auto_bind``,
                ``bind_rules``, ``auto_expand``, ``smn_notify``,
                ``threshold``, ``locked``), sent as given; a ``billing``
                there (``{"consistent_level"}``) keeps ``size_gb`` beside it.

        Returns:
            ``{"vault": {...}}`` as it is now.

        Raises:
            ckpt.NotFoundError: no such vault (6105).
            ckpt.InvalidRequestError: a bad member, or a size below the
                vault's use (9900, naming ``vault.billing.size``).
        """
        vault: Dict[str, Any] = dict(settings)
        if name is not None:
            vault["name"] = name
        if size_gb is not None:
            # Beside a ``billing`` given in settings (its consistent_level).
            billing = vault.get("billing")
            vault["billing"] = {**billing, "size": size_gb} if isinstance(billing, Mapping) else {"size": size_gb}
        return self.call("vault.update", {"vault_id": _id(vault_id), "vault": vault})

    def delete_vault(self, vault_id: Id, *, wait: bool = False, timeout: float = 600.0) -> None:
        """vault.delete: start deleting a vault with every backup in it.

        The vault's ``billing.status`` is ``deleting`` until it is gone
        (:meth:`get_vault` then raises NotFoundError); its ``vault_delete``
        task records the delete and outlives it.

        Args:
            vault_id: the vault.
            wait: also wait until the vault is gone.
            timeout: seconds to wait, 0 to 86400 (with ``wait``).

        Raises:
            ckpt.NotFoundError: no such vault (6105).
            ckpt.ConflictError: a backup of it is being made or restored (6203).
            ckpt.TimeoutError: with ``wait``, the vault was still there after
                ``timeout``.
        """
        vault_id = _id(vault_id)
        if wait:
            _timeout_ms(timeout)  # checks it before anything is deleted
        self._call(b"vault.delete", _id_request("vault_id", vault_id))
        if not wait:
            return
        what = f"vault {vault_id}"

        def poll() -> _Polled:
            try:
                response = self.get_vault(vault_id)
            except NotFoundError:
                return None, {}
            vault: Dict[str, Any] = response.get("vault") or {}
            return vault, _status(_member(vault, "billing"))

        _poll(what, "vault", "deleted", timeout, lambda _vault, _elapsed: None, poll)

    def add_vault_resources(self, vault_id: Id, resources: Iterable[Resource]) -> Dict[str, Any]:
        """vault.add_resources: bind resources (``{"id", "type", "name",
        "extra_info", "size"}`` dicts) to a vault.

        Returns:
            ``{"add_resource_ids": [...]}``.

        Raises:
            ckpt.ConflictError: a resource is in this vault (6104) or in
                another vault of the project (6103).
        """
        return self.call("vault.add_resources",
                         {"vault_id": _id(vault_id), "resources": [dict(r) for r in resources]})

    def remove_vault_resources(self, vault_id: Id, resource_ids: Iterable[Id]) -> Dict[str, Any]:
        """vault.remove_resources: unbind resources from a vault (their
        backups stay).

        Returns:
            ``{"remove_resource_ids": [...]}``.

        Raises:
            ckpt.InvalidRequestError: a resource is not in the vault (6135).
            ckpt.ConflictError: a resource is being backed up (6134).
        """
        return self.call("vault.remove_resources",
                         {"vault_id": _id(vault_id), "resource_ids": [_id(r) for r in resource_ids]})

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

    def list_policy_checkpoints(self, *, provider_id: str = CSBS_PROVIDER_ID, **filters: Any) -> Dict[str, Any]:
        """policy.checkpoint_list: one page of the v1 checkpoints (CSBS).

        Args:
            provider_id: the provider path parameter.
            **filters: ``plan_id``, ``start_date`` and ``end_date``
                (``"YYYY-MM-DD"``, a :class:`datetime.date`, or a time; an end
                date includes its whole day), and the paging ``limit``,
                ``marker`` and ``sort`` (over ``created_at``, ``status``,
                ``id``).  A filter given as None is not sent.

        Returns:
            ``{"checkpoints": [...]}``, with ``"checkpoints_links": [{"href",
            "rel": "next"}]`` only when another page follows.
        """
        return self.call("policy.checkpoint_list", _policy_checkpoint_filters(provider_id, filters))

    def iter_policy_checkpoints(self, *, provider_id: str = CSBS_PROVIDER_ID,
                                **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every v1 checkpoint that matches ``filters`` (those of
        :meth:`list_policy_checkpoints`), page after page."""
        return self._iterate("policy.checkpoint_list", "checkpoints",
                             _policy_checkpoint_filters(provider_id, filters))

    def delete_policy_checkpoint(self, checkpoint_id: Id, *, provider_id: str = CSBS_PROVIDER_ID) -> None:
        """policy.checkpoint_delete: delete a v1 checkpoint with its backups
        (asynchronous: it reads ``deleting``, then
        :meth:`get_policy_checkpoint` raises NotFoundError).

        Raises:
            ckpt.NotFoundError: no such checkpoint (CSBS.3001).
            ckpt.ConflictError: a backup of it is being made or restored
                (CSBS.2003).
        """
        self.call("policy.checkpoint_delete", {"provider_id": provider_id, "checkpoint_id": _id(checkpoint_id)})

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
        ``on_progress(checkpoint, elapsed_seconds)`` after every poll; the
        errors are the library's, class and message.

        Args:
            checkpoint_id: the checkpoint.
            status: the status to wait for.
            timeout: seconds, 0 to 86400.
            on_progress: optional callback; returning False cancels the wait
                (:class:`ckpt.CanceledError`, carrying the checkpoint), an
                exception it raises ends the wait and propagates.

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
        checkpoint_id = _id(checkpoint_id)
        _check_wait(timeout, status, _CHECKPOINT_STATUSES)
        what = f"checkpoint {checkpoint_id}"

        def poll() -> _Polled:
            response = self.get_checkpoint(checkpoint_id)
            checkpoint: Dict[str, Any] = response.get("checkpoint") or {}
            current = _status(checkpoint)
            if current == status:
                return checkpoint, response
            if current == "error":
                return checkpoint, ConflictError(
                    f"{what} went to status error while waiting for {status}", checkpoint=checkpoint
                )
            return checkpoint, current

        return _poll(what, "checkpoint", status, timeout, on_progress, poll)

    # -- backups -------------------------------------------------------------

    def list_backups(self, **filters: Any) -> Dict[str, Any]:
        """backup.list: one page of the project's backups.

        Args:
            **filters: the filters ``checkpoint_id``, ``vault_id``,
                ``resource_id``, ``resource_name``, ``resource_type``, ``name``
                (exact), ``status`` (a string, or a list of them),
                ``image_type``, ``start_time`` and ``end_time`` (on
                ``created_at``: ``"YYYY-MM-DDTHH:MM:SSZ"`` text or a
                :class:`datetime.datetime`, naive meaning UTC),
                ``incremental`` (bool); and the paging ``limit`` (1 to 1000,
                default 1000), ``offset``, ``marker`` (the id of the previous
                page's last backup) and ``sort`` (``"key[:asc|desc],..."``
                over ``created_at``, ``updated_at``, ``name``, ``status``,
                ``id``, ``protected_at``; default ``created_at:desc``).  A
                filter given as None is not sent; ids may be UUIDs.

        Returns:
            ``{"backups": [...], "count": total matches, "offset", "limit"}``;
            a page past the end has an empty ``backups``.

        Raises:
            ckpt.InvalidRequestError: a bad filter, naming it.
        """
        return self.call("backup.list", _list_request(filters))

    def iter_backups(self, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every backup that matches ``filters``, paging with ``marker``.

        Takes the filters and paging of :meth:`list_backups`: ``limit`` is
        the page size, ``sort`` the order, and ``offset`` or ``marker`` where
        the first page starts.  Each page is asked for before the previous
        one's backups are handed out, so deleting backups as they come is
        safe; changing the sort key of backups not yet seen (renaming them
        under ``sort="name"``) may move them past the iterator.
        """
        return self._iterate("backup.list", "backups", filters)

    def get_backup(self, backup_id: Id) -> Dict[str, Any]:
        """backup.get: ``{"backup": BackupResp}``."""
        return self._call(b"backup.get", _id_request("backup_id", backup_id))

    def update_backup(self, backup_id: Id, name: str) -> Dict[str, Any]:
        """backup.update: rename a backup; ``{"backup": BackupResp}``."""
        return self.call("backup.update", {"backup_id": _id(backup_id), "backup": {"name": name}})

    def delete_backup(self, backup_id: Id) -> None:
        """backup.delete: start deleting a backup.

        The backup is ``deleting`` until its deletion is done, then gone
        (:meth:`get_backup` raises NotFoundError); wait for that with
        ``wait_backup(backup_id, status="deleted")``.

        Raises:
            ckpt.NotFoundError: no such backup (6200).
            ckpt.ConflictError: it is being made (6203) or restored (6216).
        """
        self._call(b"backup.delete", _id_request("backup_id", backup_id))

    def restore_backup(
        self,
        backup_id: Id,
        *,
        server_id: Optional[Id] = None,
        volume_id: Optional[Id] = None,
        power_on: Optional[bool] = None,
        mappings: Optional[Iterable[Mapping[str, Any]]] = None,
        resource_id: Optional[Id] = None,
    ) -> Dict[str, Any]:
        """backup.restore: start restoring a backup.

        Only the arguments that are not None are sent.  A server backup
        needs ``server_id`` (or ``resource_id``), a volume backup
        ``volume_id`` (or ``resource_id``).

        Args:
            backup_id: the backup, which must be ``available``.
            server_id, volume_id: the restore target.
            power_on: whether to start the server afterwards.
            mappings: ``{"backup_id", "volume_id"}`` dicts (disks of a
                server backup).
            resource_id: the target, for either kind.

        Returns:
            ``{"job_id": ...}``, the id of the ``restore`` task: wait for it
            with :meth:`wait_operation_log`.

        Raises:
            ckpt.InvalidRequestError: no target, or a bad one (9900).
            ckpt.ConflictError: the backup is not available (2005), or its
                vault is not (6202).
        """
        restore: Dict[str, Any] = {}
        if server_id is not None:
            restore["server_id"] = _id(server_id)
        if volume_id is not None:
            restore["volume_id"] = _id(volume_id)
        if power_on is not None:
            restore["power_on"] = power_on
        if mappings is not None:
            restore["mappings"] = [{k: _id(v) for k, v in m.items()} for m in mappings]
        if resource_id is not None:
            restore["resource_id"] = _id(resource_id)
        return self.call("backup.restore", {"backup_id": _id(backup_id), "restore": restore})

    def wait_backup(
        self,
        backup_id: Id,
        *,
        status: str = "available",
        timeout: float = 60.0,
        on_progress: Optional[ProgressCallback] = None,
    ) -> Dict[str, Any]:
        """Wait until a backup reaches ``status``, or is gone.

        Without ``on_progress`` this is one ``backup.wait`` call; with it the
        binding polls :meth:`get_backup` itself, as :meth:`wait_checkpoint`
        does, and fails alike.

        Args:
            backup_id: the backup.
            status: a backup status, or ``"deleted"``: until the backup is
                gone (a backup that does not exist counts as deleted).
            timeout: seconds, 0 to 86400.
            on_progress: optional ``on_progress(backup, elapsed_seconds)``;
                returning False cancels, an exception ends the wait and
                propagates.

        Returns:
            ``{"backup": {...}}`` in the status; for ``"deleted"``, the
            backup as last seen, with status ``"deleted"``.

        Raises:
            ckpt.ConflictError: the backup went to ``error``.
            ckpt.TimeoutError: ``timeout`` passed first.
            ckpt.CanceledError: ``on_progress`` returned False.
            ckpt.NotFoundError: no such backup (unless waiting for deleted).
            ckpt.InvalidRequestError: ``status`` is not a backup status.
            ValueError: ``timeout`` is out of range.

            Each wait error's ``backup`` attribute holds the backup as last
            seen.
        """
        if on_progress is None:
            return self.call(
                "backup.wait", {"backup_id": _id(backup_id), "status": status, "timeout_ms": _timeout_ms(timeout)}
            )
        backup_id = _id(backup_id)
        _check_wait(timeout, status, _BACKUP_STATUSES + (_DELETED,))
        what = f"backup {backup_id}"
        last: Dict[str, Any] = {"id": backup_id}

        def poll() -> _Polled:
            nonlocal last
            try:
                response = self.get_backup(backup_id)
            except NotFoundError:
                if status != _DELETED:
                    raise
                gone = dict(last, status=_DELETED)
                return gone, {"backup": gone}
            backup: Dict[str, Any] = response.get("backup") or {}
            last = backup
            current = _status(backup)
            if current == status:
                return backup, response
            if current == "error":
                return backup, ConflictError(f"{what} went to status error while waiting for {status}", backup=backup)
            return backup, current

        return _poll(what, "backup", status, timeout, on_progress, poll)

    def prune_backups(
        self,
        vault_id: Id,
        *,
        resource_id: Optional[Id] = None,
        keep_last: Optional[int] = None,
        keep_daily: Optional[int] = None,
        keep_weekly: Optional[int] = None,
        keep_monthly: Optional[int] = None,
        keep_within_days: Optional[int] = None,
        dry_run: bool = False,
    ) -> Dict[str, Any]:
        """backup.prune: delete a vault's old backups by keep rules, in the
        manner of ``restic forget``.

        Each resource's ``available`` backups are judged apart, newest
        first: ``keep_last`` N keeps the N newest; ``keep_daily``,
        ``keep_weekly`` and ``keep_monthly`` N keep the newest backup of each
        of the N most recent UTC days, ISO weeks and months that have
        backups; ``keep_within_days`` D keeps those made less than D days
        before the newest.  A backup kept by any rule is kept; the others are
        deleted (unless ``dry_run``).  Only the rules that are not None are
        sent; at least one is required.

        Args:
            vault_id: the vault.
            resource_id: only this resource's backups.
            keep_last, keep_daily, keep_weekly, keep_monthly,
            keep_within_days: the keep rules.
            dry_run: report only; delete nothing.

        Returns:
            ``{"keep": [{"id", "resource_id", "created_at", "reasons"}],
            "remove": [ids], "dry_run": bool}``; reasons are ``"last"``,
            ``"daily YYYY-MM-DD"``, ``"weekly YYYY-Www"``,
            ``"monthly YYYY-MM"`` and ``"within D days"``.

        Raises:
            ckpt.InvalidRequestError: no keep rule, or a bad one; nothing is
                deleted.
            ckpt.Error: the class of the first delete that failed (the
                others are still tried); its ``prune`` attribute holds the
                result with ``"failed": [{"id", "error"}]``.
        """
        request: Dict[str, Any] = {"vault_id": _id(vault_id)}
        if resource_id is not None:
            request["resource_id"] = _id(resource_id)
        rules = {
            "keep_last": keep_last,
            "keep_daily": keep_daily,
            "keep_weekly": keep_weekly,
            "keep_monthly": keep_monthly,
            "keep_within_days": keep_within_days,
        }
        request.update((k, v) for k, v in rules.items() if v is not None)
        request["dry_run"] = dry_run
        return self.call("backup.prune", request)

    # -- operation logs (tasks) ---------------------------------------------

    def list_operation_logs(self, **filters: Any) -> Dict[str, Any]:
        """operation_log.list: one page of the project's tasks.

        Args:
            **filters: the filters ``operation_type`` (``backup``,
                ``delete``, ``restore``, ``vault_delete``, ...), ``status``,
                ``vault_id``, ``vault_name``, ``resource_id``,
                ``resource_name``, ``provider_id``, ``start_time``,
                ``end_time``, and the paging of :meth:`list_backups`.  A
                filter given as None is not sent.

        Returns:
            ``{"operation_logs": [...], "count", "offset", "limit"}``.
        """
        return self.call("operation_log.list", _list_request(filters))

    def iter_operation_logs(self, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every task that matches ``filters``, paging with ``marker``, as
        :meth:`iter_backups` does."""
        return self._iterate("operation_log.list", "operation_logs", filters)

    def get_operation_log(self, operation_log_id: Id) -> Dict[str, Any]:
        """operation_log.get: ``{"operation_log": OperationLog}``."""
        return self._call(b"operation_log.get", _id_request("operation_log_id", operation_log_id))

    def wait_operation_log(
        self,
        operation_log_id: Id,
        *,
        timeout: float = 60.0,
        on_progress: Optional[ProgressCallback] = None,
    ) -> Dict[str, Any]:
        """Wait until a task (a restore's ``job_id``, ...) ends.

        Without ``on_progress`` this is one ``operation_log.wait`` call; with
        it the binding polls :meth:`get_operation_log` itself, as
        :meth:`wait_checkpoint` does, and fails alike.

        Args:
            operation_log_id: the task.
            timeout: seconds, 0 to 86400.
            on_progress: optional ``on_progress(operation_log,
                elapsed_seconds)``; returning False cancels, an exception
                ends the wait and propagates.

        Returns:
            ``{"operation_log": {...}}`` with status ``success``.

        Raises:
            ckpt.ConflictError: the task ended ``failed``, ``timeout`` or
                ``skipped``.
            ckpt.TimeoutError: ``timeout`` passed first.
            ckpt.CanceledError: ``on_progress`` returned False.
            ckpt.NotFoundError: no such task (6500).
            ValueError: ``timeout`` is out of range.

            Each wait error's ``operation_log`` attribute holds the task as
            last seen.
        """
        if on_progress is None:
            return self.call(
                "operation_log.wait",
                {"operation_log_id": _id(operation_log_id), "timeout_ms": _timeout_ms(timeout)},
            )
        operation_log_id = _id(operation_log_id)
        _check_wait(timeout, None, ())
        what = f"task {operation_log_id}"

        def poll() -> _Polled:
            response = self.get_operation_log(operation_log_id)
            log: Dict[str, Any] = response.get("operation_log") or {}
            current = _status(log)
            if current == "success":
                return log, response
            if current in _TASK_FAILURES:
                info = _member(log, "error_info")
                code, message = info.get("code"), info.get("message")
                detail = ""
                if isinstance(code, str) and code:
                    detail = f" ({code}: {message if isinstance(message, str) else ''})"
                return log, ConflictError(f"{what} ended {current}{detail}", operation_log=log)
            progress = _member(_member(log, "extra_info"), "common").get("progress")
            if isinstance(progress, int) and not isinstance(progress, bool):
                current = f"{current}, {progress}%"
            return log, current

        return _poll(what, "operation_log", None, timeout, on_progress, poll)

    # -- paging --------------------------------------------------------------

    def _iterate(self, operation: str, key: str, filters: Mapping[str, Any]) -> Iterator[Dict[str, Any]]:
        """The items under ``key`` of every page of a list, each page after
        the previous one's last item (``marker``); lazy."""
        request = _list_request(filters)

        def page(marker: Optional[str]) -> Tuple[List[Dict[str, Any]], bool]:
            if marker is None:
                body = self.call(operation, request)
            else:
                after = {k: v for k, v in request.items() if k != "offset"}
                after["marker"] = marker
                body = self.call(operation, after)
            items = body.get(key) or []
            links = key + "_links"
            if links in body or "offset" not in body:
                # Karbor's pages: a next link is there only when a page follows.
                return items, bool(items) and bool(body.get(links))
            limit = body.get("limit")
            # A short page is the last one; a full one may have a successor.
            full = bool(items) and not (isinstance(limit, int) and len(items) < limit)
            return items, full

        def generate() -> Iterator[Dict[str, Any]]:
            items, more = page(None)
            while True:
                # The next page is asked for before this one is handed out:
                # its marker, this page's last item, may be deleted by the
                # caller while iterating (the library refuses a gone marker).
                following = page(items[-1]["id"]) if more else None
                yield from items
                if following is None:
                    return
                items, more = following

        return generate()


#: What one poll of a wait found: the object polled (None: none to report),
#: and the verdict: the response (reached), an exception (failed), or the
#: status text of an object still on its way (pending).
_Polled = Tuple[Optional[Dict[str, Any]], Union[Dict[str, Any], Error, str]]


def _poll(
    what: str,
    subject: str,
    target: Optional[str],
    timeout: float,
    on_progress: ProgressCallback,
    poll: Callable[[], _Polled],
) -> Dict[str, Any]:
    """The Python-side wait of the three waits, worded and shaped as the
    library's own: polls with a short backoff until ``poll`` decides or
    ``timeout`` passes, calling ``on_progress`` after every poll.  A wait
    error carries the object as ``subject`` (``checkpoint``, ...)."""
    timeout_ms = _timeout_ms(timeout)
    start = time.monotonic()
    for delay in _backoff():
        seen, verdict = poll()
        if seen is not None and on_progress(seen, time.monotonic() - start) is False:
            raise _carrying(CanceledError(f"the wait for {what} was canceled by its caller"), subject, seen)
        if isinstance(verdict, dict):
            return verdict
        if isinstance(verdict, Error):
            raise verdict
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0:
            waiting = f", waiting for {target}" if target is not None else ""
            raise _carrying(TimeoutError(f"{what} is still {verdict} after {timeout_ms} ms{waiting}"), subject, seen)
        time.sleep(min(delay, remaining))
    raise AssertionError("unreachable")  # _backoff() never ends


def _carrying(error: Error, subject: str, obj: Optional[Dict[str, Any]]) -> Error:
    """``error`` with ``obj`` as its ``subject`` attribute (``checkpoint``,
    ``backup`` or ``operation_log``), as the library's wait errors carry it."""
    setattr(error, subject, obj)
    return error


def _check_wait(timeout: float, status: Optional[str], statuses: Tuple[str, ...]) -> None:
    """What the library checks before a wait polls, so that both modes
    refuse alike."""
    _timeout_ms(timeout)
    if status is not None and status not in statuses:
        raise InvalidRequestError(
            f"status: must be one of {', '.join(statuses)}",
            status_code=400,
            error_code="BackupService.9900",
        )


def _status(obj: Mapping[str, Any]) -> str:
    status = obj.get("status")
    return status if isinstance(status, str) else ""


def _member(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _list_request(filters: Mapping[str, Any]) -> Dict[str, Any]:
    """A list's request: the filters but those given as None, with UUIDs as
    text and datetimes as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    request: Dict[str, Any] = {}
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime.datetime):
            value = _utc_text(value)
        elif isinstance(value, (list, tuple)):
            value = [str(v) if isinstance(v, uuid.UUID) else v for v in value]
        request[key] = value
    return request


def _vault_filters(filters: Mapping[str, Any]) -> Dict[str, Any]:
    """vault.list's request: ``resource_ids`` given as a list is sent as the
    service takes it, one string of ids separated by commas."""
    request = _list_request(filters)
    ids = request.get("resource_ids")
    if isinstance(ids, list):
        request["resource_ids"] = ",".join(ids)
    return request


def _policy_checkpoint_filters(provider_id: str, filters: Mapping[str, Any]) -> Dict[str, Any]:
    """policy.checkpoint_list's request: dates as ``YYYY-MM-DD``."""
    request = _list_request(filters)
    for key in ("start_date", "end_date"):
        value = filters.get(key)
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            request[key] = value.isoformat()
    request["provider_id"] = provider_id
    return request


def _utc_text(when: datetime.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


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

