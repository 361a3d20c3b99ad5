import type { RouteObject } from "react-router";

import { AppLayout } from "@/pages/app-layout";
import { InvitationPage } from "@/pages/invitation-page";
import { NotFoundPage } from "@/pages/not-found-page";
import { ProjectPage } from "@/pages/project-page";
import { ProjectsPage } from "@/pages/projects-page";
import { ReviewPage } from "@/pages/review-page";
import { SignInPage } from "@/pages/sign-in-page";
import { SignUpPage } from "@/pages/sign-up-page";
import { VerifyEmailPage } from "@/pages/verify-email-page";

export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  { path: "/sign-up", element: <SignUpPage /> },
  { path: "/verify-email", element: <VerifyEmailPage /> },
  {
    element: <AppLayout />,
    children: [
      { path: "/", element: <ProjectsPage /> },
      { path: "/projects/:projectId", element: <ProjectPage /> },
      { path: "/invitations/:invitationKey", element: <InvitationPage /> },
      { path: "/videos/:videoId", element: <ReviewPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
