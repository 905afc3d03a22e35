"""ckpt: Huawei Cloud backup checkpoints (CBR v3, CSBS v1) through libckpt.

A ctypes binding of libckpt.so.1's JSON-text API::

    import ckpt

    with ckpt.Client(path=":memory:") as client:
        vault = client.create_vault("demo", size_gb=100, resources=[...])["vault"]
        created = client.create_checkpoint(vault["id"])["checkpoint"]
        done = client.wait_checkpoint(created["id"])["checkpoint"]
        for backup in client.iter_backups(checkpoint_id=done["id"]):
            print(backup["resource_name"], backup["status"])

The library is found through ``$CKPT_LIBRARY``, then a copy packaged beside
this module, then ``ctypes.util.find_library("ckpt")``, then the soname
``libckpt.so.1``.  Importing fails with ImportError when none loads, or when
its major version is not this binding's.
"""

from ._version import __version__
from ._ffi import library_path, library_version, strerror
from .client import CSBS_PROVIDER_ID, OPERATIONS, Client
from .errors import (
    AuthError,
    CanceledError,
    ConflictError,
    Error,
    InternalError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    QuotaError,
    RemoteError,
    StorageError,
    TimeoutError,
)

__all__ = [
    "__version__",
    "library_path",
    "library_version",
    "strerror",
    "CSBS_PROVIDER_ID",
    "OPERATIONS",
    "Client",
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
]
