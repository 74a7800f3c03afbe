#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config import localfiles
    from config.env import env_bool

    # The files a command may need (the data folder; a developer's secret key) are made
    # here, by the command, not as a side effect of importing the settings.
    localfiles.prepare(debug=env_bool("DJANGO_DEBUG", False))
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
