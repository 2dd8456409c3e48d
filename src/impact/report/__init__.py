"""What analysts and leads read: the bug report's files, the HTML report, and their charts."""
