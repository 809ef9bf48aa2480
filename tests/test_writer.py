"""Writing outputs (issue 12, defects 1 and 5): links followed, devices and pipes written in
place, modes kept, and every failure a one-line error with exit code 6."""
import errno
import io
import os
import socket
import stat
import threading

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.errors import ExitCode, OutputError
from passeur.textio.writer import check_writable, write_atomic


def run(args, stdin=b"", engine=None):
    out, err = io.StringIO(), io.StringIO()
    engine = engine or ScriptedEngine(lambda s: f"EN[{s}]")
    env = Environment(io.BytesIO(stdin), out, err, {}, make_translation_engine=lambda model, **kw: engine)
    result = CliRunner().invoke(cli, args, obj=env)
    return result, out.getvalue(), err.getvalue() + result.output


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_symlink_is_followed_and_kept(tmp_path):
    """Defect 1: `-o link.en.txt` replaced the link itself by a private regular file."""
    real, link = tmp_path / "real.en.txt", tmp_path / "link.en.txt"
    real.write_text("old")
    real.chmod(0o640)
    link.symlink_to("real.en.txt")
    source = tmp_path / "a.fr.txt"
    source.write_text("Bonjour à tous.")
    result, _, err = run(["translate", str(source), "-o", str(link), "--source-lang", "fr"])
    assert result.exit_code == 0, err
    assert link.is_symlink() and os.readlink(link) == "real.en.txt"
    assert real.read_text() == "EN[Bonjour à tous.]"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640 and not leftovers(tmp_path)


def test_an_existing_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o604)
    write_atomic(kept, "new")
    assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o604
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    write_atomic(tmp_path / "plain.txt", "x")
    assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o666 & ~previous
    assert not leftovers(tmp_path)


def test_a_link_to_a_character_device_is_written_to_not_replaced(tmp_path):
    """As root, `-o /dev/stdout` replaced the device link: a device is written in place."""
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    write_atomic(link, "into the void")
    write_atomic("/dev/null", "into the void")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode) and not leftovers(tmp_path)


def test_a_fifo_and_a_socket_are_written_to_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(30)
    assert received == ["through the pipe"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)

    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got = []

    def serve():
        connection, _ = server.accept()
        with connection:
            got.append(connection.makefile("rb").read())

    thread = threading.Thread(target=serve)
    thread.start()
    write_atomic(path, "over the socket")
    thread.join(30)
    server.close()
    assert got == [b"over the socket"] and stat.S_ISSOCK(os.lstat(path).st_mode)


def test_output_a_directory_is_exit_6_before_any_model(tmp_path):
    """Defect 5: `-o` a directory was an IsADirectoryError traceback with exit 1."""
    source = tmp_path / "a.fr.txt"
    source.write_text("Bonjour à tous.")
    engine = ScriptedEngine()
    result, _, err = run(["translate", str(source), "-o", str(tmp_path)], engine=engine)
    assert result.exit_code == ExitCode.CANNOT_WRITE == 6
    assert err == f"passeur: error: {tmp_path}: cannot write: is a directory (give a file name)\n"
    assert engine.calls == []


@pytest.fixture
def refusing(monkeypatch):
    """Make creating files in a folder fail as a read-only or full one would (root ignores
    permission bits, so the error is injected where the file is created)."""
    real_open = os.open

    def arm(folder, code):
        def fake_open(path, flags, *args, **kwargs):
            if os.path.dirname(os.path.abspath(path)) == str(folder) and flags & os.O_CREAT:
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)
        monkeypatch.setattr(os, "open", fake_open)
    return arm


@pytest.mark.parametrize("code, reason", [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system"),
                                          (errno.ENOSPC, "no space left on the device")])
def test_an_unwritable_folder_is_one_line_exit_6_before_the_model(tmp_path, refusing, code, reason):
    folder = tmp_path / "locked"
    folder.mkdir()
    source = tmp_path / "a.fr.txt"
    source.write_text("Bonjour à tous.")
    refusing(folder, code)
    engine = ScriptedEngine()
    result, _, err = run(["translate", str(source), "-o", str(folder / "a.en.txt")], engine=engine)
    assert result.exit_code == 6 and err == f"passeur: error: {folder / 'a.en.txt'}: cannot write: {reason}\n"
    assert engine.calls == [] and list(folder.iterdir()) == []


def test_a_full_disk_while_writing_is_one_line_exit_6():
    """/dev/full: every write fails with ENOSPC, as on a full disk."""
    with pytest.raises(OutputError) as caught:
        write_atomic("/dev/full", "x" * 100_000)
    assert str(caught.value) == "/dev/full: cannot write: no space left on the device"
    result, _, err = run(["translate", "-", "-o", "/dev/full", "--source-lang", "fr"], stdin="Bonjour à tous.".encode())
    assert result.exit_code == 6 and err == "passeur: error: /dev/full: cannot write: no space left on the device\n"


def test_a_full_disk_during_the_rename_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="no space left"):
        write_atomic(target, "new")
    assert target.read_text() == "old" and not leftovers(tmp_path)


def test_check_writable_refuses_folders_and_files_in_the_way(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_writable(blocker / "out.txt")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        check_writable(blocker, folder=True)
    check_writable(tmp_path / "new" / "deeper" / "out.txt")  # created when written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
