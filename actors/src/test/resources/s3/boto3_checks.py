"""Drives Jewel's S3 listener with boto3, as an application would: each check prints
"ok NAME" when it passes, and the first failure ends the script with its reason.
Usage: python3 boto3_checks.py ENDPOINT BUCKET"""
import base64
import hashlib
import os
import sys
from urllib.parse import unquote_plus

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
MIB = 1024 * 1024


def data(size, seed):
    """Bytes that differ from one seed to another, made here rather than read from a file."""
    out = bytearray()
    block = hashlib.sha256(str(seed).encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def refused(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"expected {code}, got {got}: {e}"
        return e
    raise AssertionError(f"expected {code}, but the call succeeded")


def check(name, fn):
    fn()
    print("ok", name, flush=True)


def create_bucket():
    s3.create_bucket(Bucket=bucket)
    refused("BucketAlreadyOwnedByYou", s3.create_bucket, Bucket=bucket)
    refused("InvalidBucketName", s3.create_bucket, Bucket="Not_A_Bucket")
    refused("IllegalLocationConstraintException", s3.create_bucket, Bucket="elsewhere",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] in (None, "us-east-1")


def metadata_and_ranges():
    body = data(2048, 1)
    put = s3.put_object(
        Bucket=bucket, Key="m/doc.txt", Body=body, ContentType="text/plain",
        Metadata={"colour": "blue"},
    )
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put["ETag"]
    got = s3.get_object(Bucket=bucket, Key="m/doc.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain", got["ContentType"]
    assert got["Metadata"] == {"colour": "blue"}, got["Metadata"]
    assert got["ContentLength"] == 2048
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key="m/doc.txt")
    assert head["ContentLength"] == 2048 and head["ETag"] == put["ETag"]
    refused("304", s3.get_object, Bucket=bucket, Key="m/doc.txt", IfNoneMatch=put["ETag"])
    refused("304", s3.head_object, Bucket=bucket, Key="m/doc.txt",
            IfModifiedSince=head["LastModified"])
    refused("PreconditionFailed", s3.get_object, Bucket=bucket, Key="m/doc.txt",
            IfMatch='"0123456789abcdef0123456789abcdef"')
    assert s3.get_object(Bucket=bucket, Key="m/doc.txt", IfMatch=put["ETag"],
                         IfNoneMatch='"other"')["Body"].read() == body
    r = s3.get_object(Bucket=bucket, Key="m/doc.txt", Range="bytes=100-199")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert r["ContentRange"] == "bytes 100-199/2048", r["ContentRange"]
    assert r["Body"].read() == body[100:200]
    assert s3.get_object(Bucket=bucket, Key="m/doc.txt", Range="bytes=2000-")["Body"].read() == body[2000:]
    assert s3.get_object(Bucket=bucket, Key="m/doc.txt", Range="bytes=-10")["Body"].read() == body[-10:]
    assert s3.get_object(Bucket=bucket, Key="m/doc.txt", Range="bytes=2000-9999")["ContentLength"] == 48
    refused("InvalidRange", s3.get_object, Bucket=bucket, Key="m/doc.txt", Range="bytes=2048-")
    s3.put_object(Bucket=bucket, Key="m/naive", Body=b"n", Metadata={"jewel-scheme": "naive  n=2"})
    assert s3.head_object(Bucket=bucket, Key="m/naive")["Metadata"] == {"jewel-scheme": "naive n=2"}
    refused("InvalidArgument", s3.put_object, Bucket=bucket, Key="m/bad", Body=b"b",
            Metadata={"jewel-scheme": "naive n"})
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="m/md5", Body=body, ContentMD5=md5)
    refused("BadDigest", s3.put_object, Bucket=bucket, Key="m/md5-bad", Body=body[1:] + b"!",
            ContentMD5=md5)
    refused("404", s3.head_object, Bucket=bucket, Key="m/md5-bad")
    refused("InvalidDigest", s3.put_object, Bucket=bucket, Key="m/md5-bad", Body=body,
            ContentMD5="not-base64")
    nine = data(9 * MIB, 5)  # past Pekko's default 8 MiB entity limit, in one PutObject
    s3.put_object(Bucket=bucket, Key="m/nine", Body=nine)
    assert s3.get_object(Bucket=bucket, Key="m/nine")["Body"].read() == nine
    longest = "m/" + "é" * 511  # 1024 bytes of UTF-8, 3 KiB percent-encoded
    s3.put_object(Bucket=bucket, Key=longest, Body=b"long")
    assert s3.get_object(Bucket=bucket, Key=longest)["Body"].read() == b"long"
    refused("KeyTooLongError", s3.put_object, Bucket=bucket, Key=longest + "x", Body=b"x")
    s3.put_object(Bucket=bucket, Key="m/empty", Body=b"")
    assert s3.get_object(Bucket=bucket, Key="m/empty")["Body"].read() == b""


def copies():
    s3.copy_object(Bucket=bucket, Key="c/same", CopySource={"Bucket": bucket, "Key": "m/doc.txt"})
    same = s3.head_object(Bucket=bucket, Key="c/same")
    assert same["Metadata"] == {"colour": "blue"} and same["ContentType"] == "text/plain"
    s3.copy_object(
        Bucket=bucket, Key="c/new é+&", CopySource={"Bucket": bucket, "Key": "m/doc.txt"},
        MetadataDirective="REPLACE", Metadata={"colour": "red"}, ContentType="text/csv",
    )
    new = s3.get_object(Bucket=bucket, Key="c/new é+&")
    assert new["Metadata"] == {"colour": "red"} and new["ContentType"] == "text/csv"
    assert new["Body"].read() == data(2048, 1)
    refused("NoSuchKey", s3.copy_object, Bucket=bucket, Key="c/x",
            CopySource={"Bucket": bucket, "Key": "m/none"})
    refused("InvalidRequest", s3.copy_object, Bucket=bucket, Key="c/same",
            CopySource={"Bucket": bucket, "Key": "c/same"})


def listings():
    keys = ["l/a/1", "l/a/2", "l/b/1", "l/c", "l/d/e/f", "l/z"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    top = s3.list_objects_v2(Bucket=bucket, Prefix="l/", Delimiter="/")
    assert [c["Prefix"] for c in top["CommonPrefixes"]] == ["l/a/", "l/b/", "l/d/"], top
    assert [o["Key"] for o in top["Contents"]] == ["l/c", "l/z"]
    assert top["KeyCount"] == 5 and not top["IsTruncated"]
    # Pages of two, across common prefixes: every entry once, in order.
    seen, token = [], None
    while True:
        kw = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, Prefix="l/", Delimiter="/", MaxKeys=2, **kw)
        seen += [c["Prefix"] for c in page.get("CommonPrefixes", [])]
        seen += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == ["l/a/", "l/b/", "l/c", "l/d/", "l/z"], seen
    after = s3.list_objects_v2(Bucket=bucket, Prefix="l/", StartAfter="l/b/1")
    assert [o["Key"] for o in after["Contents"]] == ["l/c", "l/d/e/f", "l/z"]
    v1 = [o["Key"] for p in s3.get_paginator("list_objects").paginate(
        Bucket=bucket, Prefix="l/", PaginationConfig={"PageSize": 4}) for o in p["Contents"]]
    assert v1 == keys, v1
    v1d = s3.list_objects(Bucket=bucket, Prefix="l/", Delimiter="/", MaxKeys=2)
    assert v1d["IsTruncated"] and v1d["NextMarker"] == "l/b/", v1d
    rest = s3.list_objects(Bucket=bucket, Prefix="l/", Delimiter="/", Marker="l/b/")
    assert [o["Key"] for o in rest["Contents"]] == ["l/c", "l/z"]
    assert [c["Prefix"] for c in rest["CommonPrefixes"]] == ["l/d/"]
    odd = "l/sp ace+plus&é"
    s3.put_object(Bucket=bucket, Key=odd, Body=b"x")
    # boto3 asks for url encoding itself and decodes; asked for by the caller, it is left as is.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="l/sp")["Contents"]] == [odd]
    enc = s3.list_objects_v2(Bucket=bucket, Prefix="l/sp", EncodingType="url")
    assert [unquote_plus(o["Key"]) for o in enc["Contents"]] == [odd], enc["Contents"]
    assert enc["Contents"][0]["Key"] == "l%2Fsp%20ace%2Bplus%26%C3%A9", enc["Contents"]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="nothing/")["KeyCount"] == 0


def delete_objects():
    for k in ["d/1", "d/2", "d/3"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    loud = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d/1"}, {"Key": "d/none"}]})
    assert sorted(d["Key"] for d in loud["Deleted"]) == ["d/1", "d/none"], loud
    quiet = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "d/2"}, {"Key": "d/3"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet, quiet
    assert s3.list_objects_v2(Bucket=bucket, Prefix="d/")["KeyCount"] == 0
    s3.delete_object(Bucket=bucket, Key="d/never")


def multipart():
    key = "mp/big.bin"
    parts = [data(5 * MIB, 2), data(MIB + 17, 3)]
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType="application/x-test",
                                     Metadata={"k": "v"})
    uid = up["UploadId"]
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="mp/")["Uploads"]] == [uid]
    refused("BucketNotEmpty", s3.delete_bucket, Bucket=bucket)
    etags = [s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=i + 1, Body=p)["ETag"]
             for i, p in enumerate(parts)]
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed] == [
        (1, 5 * MIB, etags[0]), (2, MIB + 17, etags[1])], listed
    refused("InvalidPart", s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etags[1]}]})
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + "-2"
    assert done["ETag"] == '"%s"' % expected, done["ETag"]
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == b"".join(parts)
    assert got["ContentType"] == "application/x-test" and got["Metadata"] == {"k": "v"}
    assert got["ETag"] == done["ETag"]
    refused("NoSuchUpload", s3.list_parts, Bucket=bucket, Key=key, UploadId=uid)

    small = s3.create_multipart_upload(Bucket=bucket, Key="mp/small")["UploadId"]
    tags = [s3.upload_part(Bucket=bucket, Key="mp/small", UploadId=small, PartNumber=n,
                           Body=b"tiny")["ETag"] for n in (1, 2)]
    refused("EntityTooSmall", s3.complete_multipart_upload, Bucket=bucket, Key="mp/small",
            UploadId=small,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": t} for n, t in zip((1, 2), tags)]})
    s3.abort_multipart_upload(Bucket=bucket, Key="mp/small", UploadId=small)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket, Prefix="mp/")
    refused("NoSuchUpload", s3.abort_multipart_upload, Bucket=bucket, Key="mp/small", UploadId=small)


def errors():
    refused("NoSuchKey", s3.get_object, Bucket=bucket, Key="no/such/key")
    refused("404", s3.head_object, Bucket=bucket, Key="no/such/key")
    refused("NoSuchBucket", s3.get_object, Bucket="no-such-bucket", Key="k")
    refused("NoSuchBucket", s3.put_object, Bucket="no-such-bucket", Key="k", Body=data(4096, 4))
    refused("NoSuchBucket", s3.list_objects_v2, Bucket="no-such-bucket")
    refused("BucketNotEmpty", s3.delete_bucket, Bucket=bucket)
    e = refused("NotImplemented", s3.get_bucket_acl, Bucket=bucket)
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    refused("NotImplemented", s3.put_bucket_versioning, Bucket=bucket,
            VersioningConfiguration={"Status": "Enabled"})


def empty_and_delete_bucket():
    keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in p.get("Contents", [])]
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
    s3.delete_bucket(Bucket=bucket)
    refused("NoSuchBucket", s3.list_objects_v2, Bucket=bucket)


check("create-bucket", create_bucket)
check("metadata-and-ranges", metadata_and_ranges)
check("copies", copies)
check("listings", listings)
check("delete-objects", delete_objects)
check("multipart", multipart)
check("errors", errors)
check("empty-and-delete-bucket", empty_and_delete_bucket)
