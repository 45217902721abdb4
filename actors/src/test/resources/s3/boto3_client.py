"""Drives a test S3 endpoint with the real boto3, for SigV4ClientTest.

Credentials and region come from the environment (AWS_ACCESS_KEY_ID, ...).

  boto3_client.py put ENDPOINT BUCKET KEY FILE...
      PutObject of each file over plain HTTP, as botocore signs it there (a hex
      x-amz-content-sha256, and an x-amz-checksum-* header unless
      AWS_REQUEST_CHECKSUM_CALCULATION=when_required).
  boto3_client.py put-trailer ENDPOINT BUCKET KEY FILE...
      PutObject signed as botocore signs it for HTTPS (aws-chunked with
      STREAMING-UNSIGNED-PAYLOAD-TRAILER and a checksum trailer); the request,
      exactly as signed, is then sent over plain HTTP to ENDPOINT's port, so the
      test needs no TLS.
  boto3_client.py presign ENDPOINT BUCKET KEY
      A presigned GetObject URL, valid 300 seconds.

put and put-trailer print one JSON line per file: the ETag and the headers the
endpoint answered with.
"""

import http.client
import json
import sys
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config


class _Raw:
    def __init__(self, data):
        self._data = data

    def stream(self, **kwargs):
        yield self._data


def _forward_over_http(port):
    def send(request, **kwargs):
        url = urlsplit(request.url)
        path = url.path + ("?" + url.query if url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "expect"}
        body = request.body
        if hasattr(body, "read"):
            chunks = iter(lambda: body.read(65536), b"")
        else:
            chunks = [body or b""]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # As botocore's own connection does: the aws-chunked body goes inside HTTP chunks.
        chunked = headers.get("Transfer-Encoding") in ("chunked", b"chunked")
        connection.request(
            request.method,
            path,
            body=chunks if chunked else b"".join(chunks),
            headers=headers,
            encode_chunked=chunked,
        )
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return AWSResponse(request.url, response.status, dict(response.getheaders()), _Raw(data))

    return send


def main(mode, endpoint, bucket, key, *files):
    port = urlsplit(endpoint).port
    if mode == "put-trailer":
        endpoint = "https://127.0.0.1:%d" % port
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"mode": "standard", "max_attempts": 1},
        ),
    )
    if mode == "presign":
        print(
            client.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300
            )
        )
        return
    if mode == "put-trailer":
        client.meta.events.register_first("before-send.s3", _forward_over_http(port))
    for name in files:
        with open(name, "rb") as body:
            answer = client.put_object(Bucket=bucket, Key=key, Body=body)
        print(
            json.dumps(
                {"ETag": answer["ETag"], "headers": answer["ResponseMetadata"]["HTTPHeaders"]}
            )
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
