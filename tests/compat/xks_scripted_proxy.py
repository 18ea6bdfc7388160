"""A small XKS proxy for tests, over HTTPS on loopback: it verifies each request's SigV4 signature with botocore
(an implementation the team did not write), and answers as its mode says: healthy (real AES-GCM with a key of
its own, a correct ciphertext data integrity value), an error of the spec's table, a malformed body, a stall past
the caller's timeout, or a wrong integrity value."""
import base64
import hashlib
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class ScriptedProxy:
    def __init__(self, cert, key, access, secret, path):
        self.mode = "healthy"
        self.access, self.secret, self.path = access, secret, path
        self.aes = AESGCM(os.urandom(32))
        self.signatures_checked = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not proxy.verified(self, body):
                    return self.answer(401, {"errorName": "AuthenticationFailedException"})
                proxy.signatures_checked += 1
                mode = proxy.mode
                if mode == "stall":
                    time.sleep(3)
                    return self.answer(200, proxy.healthy(self.path, json.loads(body)))
                if mode == "malformed":
                    return self.answer(200, None, raw=b"<html>not json</html>")
                if mode.startswith("error:"):
                    _, name, status = mode.split(":")
                    return self.answer(int(status), {"errorName": name})
                answer = proxy.healthy(self.path, json.loads(body))
                if mode == "badcdiv" and "ciphertextDataIntegrityValue" in answer:
                    answer["ciphertextDataIntegrityValue"] = base64.b64encode(b"\0" * 32).decode()
                return self.answer(200, answer)

            def answer(self, status, obj, raw=None):
                data = raw if raw is not None else json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gives up (a timeout, an untrusted certificate) is part of the tests

        self.server = Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()

    def verified(self, handler, body):
        """Recomputes the signature with botocore over host and x-amz-date, as KMS signs them."""
        authorization = handler.headers.get("Authorization", "")
        amz_date = handler.headers.get("X-Amz-Date", "")
        if f"Credential={self.access}/" not in authorization or "/kms-xks-proxy/aws4_request" not in authorization:
            return False
        region = authorization.split("Credential=")[1].split("/")[2]
        request = AWSRequest(method="POST", url=f"https://{handler.headers['Host']}{handler.path}", data=body,
                             headers={"Host": handler.headers["Host"], "X-Amz-Date": amz_date})
        request.context["timestamp"] = amz_date
        auth = SigV4Auth(Credentials(self.access, self.secret), "kms-xks-proxy", region)
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        return authorization.endswith(f"Signature={expected}")

    def healthy(self, path, body):
        api = path[len(self.path):]
        if api == "/health":
            return {"xksProxyFleetSize": 1, "xksProxyVendor": "Test", "xksProxyModel": "Scripted", "ekmVendor": "Test",
                    "ekmFleetDetails": [{"id": "1", "model": "m", "healthStatus": "ACTIVE"}]}
        if api.endswith("/metadata"):
            return {"keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"}
        aad = base64.b64decode(body.get("additionalAuthenticatedData", ""))
        if api.endswith("/encrypt"):
            iv = os.urandom(12)
            sealed = self.aes.encrypt(iv, base64.b64decode(body["plaintext"]), aad)
            ciphertext, tag = sealed[:-16], sealed[-16:]
            cdiv = hashlib.sha256(aad + iv + ciphertext + tag).digest()
            return {"ciphertext": base64.b64encode(ciphertext).decode(), "initializationVector": base64.b64encode(iv).decode(),
                    "authenticationTag": base64.b64encode(tag).decode(),
                    "ciphertextDataIntegrityValue": base64.b64encode(cdiv).decode()}
        iv = base64.b64decode(body["initializationVector"])
        sealed = base64.b64decode(body["ciphertext"]) + base64.b64decode(body["authenticationTag"])
        return {"plaintext": base64.b64encode(self.aes.decrypt(iv, sealed, aad)).decode()}
