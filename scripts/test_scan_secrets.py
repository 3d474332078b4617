"""Unit tests of scripts/scan-secrets.py: it finds planted secrets, and does not cry wolf.
Run: python3 -m unittest discover -s scripts -p 'test_scan_secrets.py'"""
import importlib.util
import os
import tempfile
import unittest

_spec = importlib.util.spec_from_file_location("scan_secrets", os.path.join(os.path.dirname(__file__), "scan-secrets.py"))
scan_secrets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scan_secrets)

KEK = "q6GgW8Fh3Wmrb0Xw2Yk4l7C9e1bq0a3d5f7h9j1k3m8="


class ScanSecretsTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_scan(self, ledger_lines=()):
        ledger = self.write("../ledger-" + os.path.basename(self.root), "\n".join(ledger_lines) + "\n")
        try:
            return scan_secrets.main(["--ledger", ledger, self.root])
        finally:
            os.remove(ledger)

    def test_a_planted_ledger_secret_in_a_trx_is_found(self):
        self.write("TestResults/run.trx", "<Output><StdOut>restore as bf_pw_1 with pw-5f1c9e0d2b7a4c3e done</StdOut></Output>")
        self.assertEqual(1, self.run_scan(["pw-5f1c9e0d2b7a4c3e"]))

    def test_a_key_file_printed_in_a_log_is_found_without_a_ledger(self):
        self.write("logs/host.log", '{"keyId":"prod","key":"%s","current":true}' % KEK)
        self.assertEqual(1, self.run_scan())

    def test_a_bf_kek_assignment_and_a_connection_string_password_are_found(self):
        self.write("console.log", "env BF_KEK_prod=%s\n" % KEK)
        self.assertEqual(1, self.run_scan())
        os.remove(os.path.join(self.root, "console.log"))
        self.write("console.log", "connecting Host=db;Username=app;Password=hunter2;Database=x\n")
        self.assertEqual(1, self.run_scan())

    def test_a_storage_account_key_other_than_azurites_is_found(self):
        self.write("a.log", "AccountKey=" + "A" * 86 + "==;BlobEndpoint=...")
        self.assertEqual(1, self.run_scan())

    def test_a_data_key_from_the_ledger_is_found_as_base64_or_hex(self):
        # TestSecrets.RegisterDataKeysUnderAsync writes each backup's data key in these forms.
        dek_b64, dek_hex = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=", "deadbeef000102030405060708090a0b0c0d0e0f101112131415161718191a1a"
        self.write("TestResults/console.log", "debug: data key %s\n" % dek_hex)
        self.assertEqual(1, self.run_scan([dek_b64, dek_hex]))
        self.write("TestResults/console.log", "debug: data key %s\n" % dek_b64)
        self.assertEqual(1, self.run_scan([dek_b64, dek_hex]))
        self.write("TestResults/console.log", "debug: data key wrapped with kek 'prod'\n")
        self.assertEqual(0, self.run_scan([dek_b64, dek_hex]))

    def test_public_and_masked_values_are_not_secrets(self):
        self.write("services/azurite.log", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;" % scan_secrets.AZURITE_DEV_KEY)
        self.write("b.log", "Password=***; pwd=<redacted>; the SHA-256 is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
                            "key id 'prod', BF_KEK_CURRENT=prod, S3 secret S3RVER\n")
        self.assertEqual(0, self.run_scan(["short"]))

    def test_a_clean_tree_passes_and_a_missing_ledger_is_not_an_error(self):
        self.write("TestResults/run.trx", "<Output>all good</Output>")
        self.assertEqual(0, scan_secrets.main(["--ledger", os.path.join(self.root, "none"), self.root]))


if __name__ == "__main__":
    unittest.main()
